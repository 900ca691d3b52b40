using AaiProxy.Identity;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Mapping;

/// <summary>Maps a validated assertion to the internal model: attributes by SAML name, scoped values
/// checked against the IdP's scopes, and the upstream subject chosen by a fixed preference.</summary>
internal static class UpstreamIdentityMapper
{
    // Issue #3: subject-id > pairwise-id > eduPersonUniqueId > persistent NameID > eduPersonTargetedID > eduPersonPrincipalName.
    private static readonly string[] SubjectPreference =
    [
        InternalAttributes.SubjectId,
        InternalAttributes.PairwiseId,
        InternalAttributes.EduPersonUniqueId,
        InternalAttributes.PersistentNameId,
        InternalAttributes.EduPersonTargetedId,
        InternalAttributes.EduPersonPrincipalName,
    ];

    // Subject Identifier Attributes Profile 2.2.1/2.3.1: subject-id and pairwise-id compare
    // case-insensitively, so the linking key is lower-cased; other identifiers are opaque and kept as sent.
    private static string SubjectKey(string source, string value) =>
        source is InternalAttributes.SubjectId or InternalAttributes.PairwiseId ? value.ToLowerInvariant() : value;

    public static SamlLoginResult Map(ValidatedAssertion validated, IdentityProviderMetadata identityProvider, string serviceProviderEntityId)
    {
        var assertion = validated.Value;
        var scopes = new ScopeChecker(identityProvider.Scopes);
        var attributes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var dropped = new List<DroppedAttributeValue>();

        foreach (var attribute in assertion.Attributes)
        {
            var rule = SamlAttributeMap.FindByName(attribute.Name);
            if (rule is null)
            {
                continue;
            }

            foreach (var value in attribute.Values.Select(v => TextOf(v, assertion.Issuer, serviceProviderEntityId)))
            {
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                if (scopes.OutOfScopeReason(rule, value) is { } reason)
                {
                    dropped.Add(new DroppedAttributeValue(attribute.Name, value, reason));
                    continue;
                }

                Add(attributes, rule.InternalName, value);
            }
        }

        // Core 8.3.7: a persistent NameID is a stable, IdP-scoped identifier for the person.
        if (assertion.NameId is { Format: SamlNameIdFormats.Persistent } persistent)
        {
            Add(attributes, InternalAttributes.PersistentNameId, persistent.Value);
        }

        var subjectSource = SubjectPreference.FirstOrDefault(attributes.ContainsKey)
                            ?? throw new SamlValidationException(SamlValidationError.SubjectIdentifierMissing,
                                "The assertion has none of subject-id, pairwise-id, eduPersonUniqueId, persistent NameID, eduPersonTargetedID, eduPersonPrincipalName.");
        var authn = assertion.AuthnStatements[0];
        var identity = new UpstreamIdentity(
            UpstreamProtocols.Saml2,
            assertion.Issuer,
            SubjectKey(subjectSource, attributes[subjectSource][0]),
            subjectSource,
            attributes.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal),
            new UpstreamAuthentication(authn.AuthnInstant, authn.AuthnContextClassRef));
        var nameId = assertion.NameId;
        var session = new SamlSessionReference(assertion.Issuer, nameId?.Value ?? "", nameId?.Format,
            nameId?.NameQualifier, nameId?.SpNameQualifier, authn.SessionIndex);
        return new SamlLoginResult(identity, session) { DroppedValues = dropped };
    }

    // eduPersonTargetedID's value is a NameID; its traditional string form is IdP!SP!value.
    private static string? TextOf(SamlAttributeValue value, string issuer, string serviceProviderEntityId) =>
        value.NameId is { } nameId
            ? $"{nameId.NameQualifier ?? issuer}!{nameId.SpNameQualifier ?? serviceProviderEntityId}!{nameId.Value}"
            : value.Text;

    private static void Add(Dictionary<string, List<string>> attributes, string name, string value)
    {
        if (!attributes.TryGetValue(name, out var values))
        {
            attributes[name] = values = [];
        }

        if (!values.Contains(value, StringComparer.Ordinal))
        {
            values.Add(value);
        }
    }
}
