namespace AaiProxy.Saml.Requests;

/// <summary>A request we sent by HTTP-Redirect.</summary>
/// <param name="RequestId">The request's ID; the host binds it to the browser so the answer's <c>InResponseTo</c> can be checked.</param>
/// <param name="IssueInstant">When the request was issued, for expiring the outstanding request.</param>
/// <param name="RedirectUrl">Where to send the browser (a string: see <see cref="Bindings.HttpRedirectBinding.Encode"/>).</param>
public sealed record OutgoingRedirect(string RequestId, DateTimeOffset IssueInstant, string RedirectUrl);
