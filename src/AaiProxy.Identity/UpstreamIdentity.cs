namespace AaiProxy.Identity;

/// <summary>
/// A person as an upstream identity provider vouched for them, after that protocol's own validation
/// (a SAML assertion that passed every rule, an OIDC ID token that verified). Every upstream protocol
/// produces this one shape; identity resolution and claims are computed from it and nothing else.
/// </summary>
/// <param name="Protocol">The upstream protocol, one of <see cref="UpstreamProtocols"/>.</param>
/// <param name="Issuer">The upstream issuer: a SAML IdP entity ID or an OIDC issuer URL.</param>
/// <param name="Subject">The upstream subject identifier chosen by the protocol's rules. Never shown
/// downstream as <c>sub</c>: it only links the person to their community account.</param>
/// <param name="SubjectSource">Where <paramref name="Subject"/> came from, one of
/// <see cref="InternalAttributes"/> (for example <see cref="InternalAttributes.SubjectId"/>).</param>
/// <param name="Attributes">Validated attribute values by internal name (<see cref="InternalAttributes"/>).</param>
/// <param name="Authentication">How and when the person authenticated upstream.</param>
public sealed record UpstreamIdentity(
    string Protocol,
    string Issuer,
    string Subject,
    string SubjectSource,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    UpstreamAuthentication Authentication)
{
    /// <summary>All values of one attribute, or an empty list.</summary>
    public IReadOnlyList<string> Values(string internalName) =>
        Attributes.TryGetValue(internalName, out var values) ? values : [];

    /// <summary>The first value of one attribute, or null.</summary>
    public string? FirstValue(string internalName) =>
        Attributes.TryGetValue(internalName, out var values) && values.Count > 0 ? values[0] : null;
}

/// <param name="AuthenticatedAt">When the upstream provider authenticated the person.</param>
/// <param name="ContextClass">The authentication context class (SAML AuthnContextClassRef, OIDC acr), if stated.</param>
public sealed record UpstreamAuthentication(DateTimeOffset AuthenticatedAt, string? ContextClass);

/// <summary>Names of the upstream protocols.</summary>
public static class UpstreamProtocols
{
    public const string Saml2 = "saml2";
    public const string OpenIdConnect = "oidc";
}
