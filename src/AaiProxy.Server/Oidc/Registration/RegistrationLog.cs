namespace AaiProxy.Server;

internal static partial class Log
{
    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Client {ClientId} registered itself from {Address} (RFC 7591): grants {Grants}, redirect URIs {RedirectUris}.")]
    public static partial void ClientRegistered(ILogger logger, string clientId, string address, string grants, string redirectUris);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "Client registration from {Address} refused: {Error}: {Description}")]
    public static partial void ClientRegistrationRefused(ILogger logger, string address, string error, string description);
}
