namespace AaiProxy.Server.Upstream;

/// <summary>
/// An upstream login that ends without a session. When <see cref="OAuthError"/> is set and the login was
/// started for an authorization request, the client hears it (RFC 6749 §4.1.2.1) with
/// <see cref="ClientDescription"/>; otherwise the person sees <see cref="PersonMessage"/> with a correlation id.
/// The upstream handler has already logged the reason.
/// </summary>
public sealed class UpstreamLoginException(int statusCode, string error, string personMessage, string? oauthError = null,
    string? clientDescription = null) : Exception(personMessage)
{
    /// <summary>The HTTP status of the page shown to the person.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>A stable code for the page and the tests (e.g. <c>invalid_saml_response</c>).</summary>
    public string Error { get; } = error;

    public string PersonMessage { get; } = personMessage;

    /// <summary><c>access_denied</c>, <c>unmet_authentication_requirements</c>, …, or null: the person is told, not the client.</summary>
    public string? OAuthError { get; } = oauthError;

    public string? ClientDescription { get; } = clientDescription;
}
