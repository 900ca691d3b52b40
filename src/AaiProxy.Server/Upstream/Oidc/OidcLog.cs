namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>Log category of upstream OpenID Connect logins.</summary>
internal sealed class OidcLoginLog;

/// <summary>Upstream OpenID Connect log lines: each says why, with the correlation id shown to the person. Never tokens or secrets.</summary>
internal static partial class OidcLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "OIDC authorization request sent to {Provider} (prompt {Prompt}, acr_values {AcrValues}) (correlation {CorrelationId})")]
    public static partial void AuthorizationRequestSent(ILogger logger, string provider, string? prompt, string? acrValues, string correlationId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "OIDC login at {Provider} refused: the challenge did not come from an authorization request (correlation {CorrelationId})")]
    public static partial void ChallengeWithoutRequest(ILogger logger, string provider, string correlationId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning,
        Message = "OIDC login failed: provider {Provider} answered {Error}: {ErrorDescription} (correlation {CorrelationId})")]
    public static partial void ProviderAnsweredError(ILogger logger, string provider, string error, string? errorDescription, string correlationId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning,
        Message = "OIDC login at {Provider} failed: {Reason} (correlation {CorrelationId})")]
    public static partial void LoginFailed(ILogger logger, string provider, string reason, string correlationId);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning,
        Message = "OIDC login at {Provider} refused: acr '{Achieved}' is none of the requested [{Requested}] (correlation {CorrelationId})")]
    public static partial void ContextClassNotMet(ILogger logger, string provider, string? achieved, string requested, string correlationId);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning,
        Message = "OIDC login at {Provider} refused: {Refusal}: {Reason} (correlation {CorrelationId})")]
    public static partial void IdentityRefused(ILogger logger, string provider, AaiProxy.Upstream.UpstreamRefusal refusal, string reason,
        string correlationId);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information,
        Message = "OIDC logout: proxy session ended, browser sent to the end_session_endpoint of {Provider} (correlation {CorrelationId})")]
    public static partial void LogoutSent(ILogger logger, string provider, string correlationId);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning,
        Message = "OIDC logout: metadata of {Provider} unavailable, the proxy session ends here only: {Reason} (correlation {CorrelationId})")]
    public static partial void LogoutMetadataUnavailable(ILogger logger, string provider, string reason, string correlationId);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Error,
        Message = "OIDC login at {Provider} cannot start: its metadata is unavailable: {Reason} (correlation {CorrelationId})")]
    public static partial void MetadataUnavailable(ILogger logger, string provider, string reason, string correlationId);
}
