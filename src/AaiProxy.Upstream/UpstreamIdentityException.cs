namespace AaiProxy.Upstream;

/// <summary>Why an upstream login that its protocol accepted still cannot become an internal identity.</summary>
public enum UpstreamRefusal
{
    /// <summary>The provider released no identifier the proxy can link a person by.</summary>
    SubjectIdentifierMissing,

    /// <summary>The identifier the proxy would link by was released outside the provider's scope: linking by a
    /// weaker identifier instead would silently put the person in another account.</summary>
    SubjectIdentifierOutOfScope,
}

/// <summary>An adapter refused a validated upstream login; <see cref="Exception.Message"/> says why, for the log.</summary>
public sealed class UpstreamIdentityException(UpstreamRefusal refusal, string reason) : Exception(reason)
{
    public UpstreamRefusal Refusal { get; } = refusal;
}
