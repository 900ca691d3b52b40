using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>
/// The person behind the proxy's own pages (invitation acceptance, group admin): the proxy session's
/// account, or the upstream login that signs them in and returns to the page. A page that needs
/// REFEDS MFA (the admin pages) starts a login that asks for it when the session's <c>acr</c> is weaker;
/// the authorization endpoint's <see cref="AuthenticationRequirement"/> judges the <c>acr</c>.
/// </summary>
internal sealed class SignedInPerson(UpstreamLoginStart loginStart)
{
    private static readonly AuthenticationRequirement Mfa = new([AuthenticationContextClasses.RefedsMfa], Essential: true);

    /// <param name="returnUrl">The local page to come back to after the login (a GET).</param>
    /// <returns>The session, or the response that signs the person in first.</returns>
    public async Task<(ProxySession? Session, IResult? SignIn)> RequireAsync(
        HttpContext httpContext, string returnUrl, bool requireMfa)
    {
        var requirement = requireMfa ? Mfa : AuthenticationRequirement.None;
        var session = await ProxySession.ReadAsync(httpContext);
        if (session is not null && requirement.SatisfiedBy(session.Authentication.ContextClass))
            return (session, null);

        var requested = new RequestedAuthentication(LocalUrl.OrRoot(returnUrl), Provider: null, requirement.ContextClasses, Force: false);
        return (null, await loginStart.StartAsync(requested, hint: null, httpContext.RequestAborted)
                      ?? HtmlPage.Render("Sign-in is not available",
                          "<p>No identity provider is configured, so nobody can sign in yet.</p>", StatusCodes.Status503ServiceUnavailable));
    }
}
