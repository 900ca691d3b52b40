namespace AaiProxy.Saml.Replay;

/// <summary>The replay cache could not be asked whether an assertion was used before (e.g. Redis unreachable).
/// The response is then refused: an unanswered replay check is never taken for "not seen" (fail closed).</summary>
public sealed class SamlReplayCacheUnavailableException(string message, Exception innerException) : Exception(message, innerException);
