using AaiProxy.Saml.Validation;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>SAML log lines: each says why, with the correlation id shown to the person. Never key material.</summary>
internal static partial class SamlLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "SAML login refused: unknown identity provider '{EntityId}' requested (correlation {CorrelationId})")]
    public static partial void UnknownIdentityProviderRequested(ILogger logger, string? entityId, string correlationId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "SAML AuthnRequest {RequestId} sent to {EntityId} (correlation {CorrelationId})")]
    public static partial void AuthnRequestSent(ILogger logger, string requestId, string entityId, string correlationId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "SAML ACS called without a SAMLResponse (correlation {CorrelationId})")]
    public static partial void AcsWithoutResponse(ILogger logger, string correlationId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "SAML login failed: identity provider {Issuer} answered status {StatusCode} / {SecondLevelStatusCode}: {StatusMessage} (correlation {CorrelationId})")]
    public static partial void IdentityProviderRefused(ILogger logger, string issuer, string statusCode, string? secondLevelStatusCode,
        string? statusMessage, string correlationId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "SAML login failed: response rejected with {Error} (encrypted assertion: {FromEncryptedAssertion}): {Reason} (correlation {CorrelationId})")]
    public static partial void ResponseRejected(ILogger logger, SamlValidationError error, bool fromEncryptedAssertion, string reason,
        string correlationId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning,
        Message = "SAML attribute value from {Issuer} dropped: {AttributeName}: {Reason} (correlation {CorrelationId})")]
    public static partial void AttributeValueDropped(ILogger logger, string issuer, string attributeName, string reason, string correlationId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information,
        Message = "SAML LogoutRequest from {EntityId} answered with {Status} (correlation {CorrelationId})")]
    public static partial void LogoutRequestHandled(ILogger logger, string entityId, string status, string correlationId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning,
        Message = "SAML LogoutResponse arrived without a logout of this browser outstanding (correlation {CorrelationId})")]
    public static partial void UnexpectedLogoutResponse(ILogger logger, string correlationId);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information,
        Message = "SAML LogoutResponse from {EntityId}: {StatusCode} (correlation {CorrelationId})")]
    public static partial void LogoutResponseReceived(ILogger logger, string entityId, string statusCode, string correlationId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning,
        Message = "SAML logout message rejected: {Reason} (correlation {CorrelationId})")]
    public static partial void LogoutMessageRejected(ILogger logger, string reason, string correlationId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "SAML login failed: {Issuer} authenticated with {ContextClass}, but the request demanded {Requested} (correlation {CorrelationId})")]
    public static partial void AuthnContextNotMet(ILogger logger, string issuer, string? contextClass, string requested, string correlationId);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information,
        Message = "SAML LogoutRequest {RequestId} sent to {EntityId} (correlation {CorrelationId})")]
    public static partial void LogoutRequestSent(ILogger logger, string requestId, string entityId, string correlationId);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "SAML ACS request refused: body of {ContentLength} bytes exceeds the limit of {Limit} (correlation {CorrelationId})")]
    public static partial void AcsBodyTooLarge(ILogger logger, long? contentLength, long limit, string correlationId);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning,
        Message = "SAML login from {Issuer} refused by the adapter: {Refusal}: {Reason} (correlation {CorrelationId})")]
    public static partial void IdentityRefused(ILogger logger, string issuer, AaiProxy.Upstream.UpstreamRefusal refusal, string reason,
        string correlationId);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Error,
        Message = "SAML login refused: replay_check_unavailable, the response was not accepted because {Reason} (correlation {CorrelationId})")]
    public static partial void ReplayCheckUnavailable(ILogger logger, string reason, Exception exception, string correlationId);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Error,
        Message = "MDQ source {Source}: prefetching {EntityId} failed unexpectedly; the other prefetched identity providers are still asked for")]
    public static partial void MdqPrefetchFailed(ILogger logger, string source, string entityId, Exception exception);
}
