using AaiProxy.Identity;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Upstream.Saml;

/// <summary>
/// The SAML adapter: a validated <see cref="SamlLoginResult"/> becomes the internal <see cref="UpstreamIdentity"/>.
/// It maps attributes by <see cref="SamlAttributeMapping"/> and chooses the identifier the person is linked by.
/// </summary>
public static class SamlIdentityAdapter
{
    // Subject Identifier Attributes Profile and REFEDS practice: subject-id > pairwise-id > eduPersonUniqueId >
    // persistent NameID > eduPersonTargetedID > eduPersonPrincipalName.
    private static readonly string[] SubjectPreference =
    [
        InternalAttributes.SubjectId,
        InternalAttributes.PairwiseId,
        InternalAttributes.EduPersonUniqueId,
        InternalAttributes.PersistentNameId,
        InternalAttributes.EduPersonTargetedId,
        InternalAttributes.EduPersonPrincipalName,
    ];

    /// <exception cref="UpstreamIdentityException">No identifier to link by, or the preferred one was out of scope.</exception>
    public static UpstreamIdentity ToUpstreamIdentity(SamlLoginResult login)
    {
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in login.Attributes)
        {
            if (SamlAttributeMapping.InternalName(attribute.Name) is { } internalName)
            {
                attributes[internalName] = attribute.Values;
            }
        }

        // Core 8.3.7: a persistent NameID is a stable, IdP-scoped identifier for the person.
        if (login.Session.NameIdFormat == SamlNameIdFormats.Persistent && login.Session.NameId.Length > 0)
        {
            attributes[InternalAttributes.PersistentNameId] = [login.Session.NameId];
        }

        RefuseOutOfScopeIdentifier(login);
        var source = SubjectPreference.FirstOrDefault(attributes.ContainsKey)
                     ?? throw new UpstreamIdentityException(UpstreamRefusal.SubjectIdentifierMissing,
                         "The assertion has none of subject-id, pairwise-id, eduPersonUniqueId, persistent NameID, eduPersonTargetedID, eduPersonPrincipalName.");
        return new UpstreamIdentity(
            UpstreamProtocols.Saml2,
            login.IdentityProvider,
            SubjectKey(source, attributes[source][0]),
            source,
            attributes,
            new UpstreamAuthentication(login.Authentication.AuthnInstant, login.Authentication.ContextClassRef));
    }

    // An identifier that ranks as a linking key but was released outside the IdP's scope must not be
    // silently replaced by a weaker one: the person would land in another (new) account.
    private static void RefuseOutOfScopeIdentifier(SamlLoginResult login)
    {
        var dropped = login.DroppedValues.FirstOrDefault(value =>
            SamlAttributeMapping.InternalName(value.AttributeName) is { } name && SubjectPreference.Contains(name));
        if (dropped is not null)
        {
            throw new UpstreamIdentityException(UpstreamRefusal.SubjectIdentifierOutOfScope,
                $"The identifier attribute {dropped.AttributeName} was released out of the identity provider's scope: {dropped.Reason}.");
        }
    }

    // Subject Identifier Attributes Profile 2.2.1/2.3.1: subject-id and pairwise-id compare
    // case-insensitively, so the linking key is lower-cased; other identifiers are opaque and kept as sent.
    private static string SubjectKey(string source, string value) =>
        source is InternalAttributes.SubjectId or InternalAttributes.PairwiseId ? value.ToLowerInvariant() : value;
}
