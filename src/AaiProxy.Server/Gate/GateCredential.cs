namespace AaiProxy.Server.Gate;

/// <summary>
/// What a request to <c>/gate/check</c> presents. An <c>Authorization</c> header always wins over the gate cookie: a
/// script's bad token is refused as such (<c>invalid_token</c>), never replaced by a browser's cookie. The cookie carries
/// an access token for the gate, which is checked exactly as a bearer token is.
/// </summary>
public abstract record GateCredential
{
    private GateCredential() { }

    public sealed record None : GateCredential;

    /// <summary>The <c>Authorization</c> header, as given.</summary>
    public sealed record Bearer(string Authorization) : GateCredential;

    /// <summary>The access token held by the gate cookie of the browser's sign-in on the download host.</summary>
    public sealed record Cookie(string AccessToken) : GateCredential;

    public static GateCredential Of(string? authorization, string? cookieAccessToken) =>
        !string.IsNullOrEmpty(authorization) ? new Bearer(authorization)
        : !string.IsNullOrEmpty(cookieAccessToken) ? new Cookie(cookieAccessToken)
        : new None();
}
