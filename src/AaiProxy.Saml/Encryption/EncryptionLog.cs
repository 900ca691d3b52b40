using Microsoft.Extensions.Logging;

namespace AaiProxy.Saml.Encryption;

/// <summary>Log events of assertion decryption (fixed event ids 6100–6199).</summary>
internal static partial class EncryptionLog
{
    /// <summary>Logged at each use, so the operator sees which IdPs still need the legacy allowance.</summary>
    [LoggerMessage(EventId = 6100, Level = LogLevel.Warning,
        Message = "Identity provider {IdentityProvider} encrypted an assertion with the legacy algorithm {Algorithm}; accepted because its policy allows it.")]
    public static partial void LegacyContentEncryption(ILogger logger, string identityProvider, string algorithm);
}
