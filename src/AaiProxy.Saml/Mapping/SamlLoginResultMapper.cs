using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Mapping;

/// <summary>Turns a validated assertion into the SAML-shaped <see cref="SamlLoginResult"/>: attributes by SAML
/// name with scoped values checked against the IdP's scopes, the authentication, and the session reference.</summary>
internal static class SamlLoginResultMapper
{
    public static SamlLoginResult Map(ValidatedAssertion validated, IdentityProviderMetadata identityProvider, string serviceProviderEntityId)
    {
        var assertion = validated.Value;
        var scopes = new ScopeChecker(identityProvider.Scopes);
        var attributes = new List<SamlReleasedAttribute>();
        var dropped = new List<DroppedAttributeValue>();

        foreach (var group in assertion.Attributes.GroupBy(attribute => attribute.Name, StringComparer.Ordinal))
        {
            var known = SamlAttributeMap.FindByName(group.Key);
            var values = new List<string>();
            foreach (var value in group.SelectMany(attribute => attribute.Values).Select(v => TextOf(v, assertion.Issuer, serviceProviderEntityId)))
            {
                if (string.IsNullOrEmpty(value) || values.Contains(value, StringComparer.Ordinal))
                {
                    continue;
                }

                if (known is not null && scopes.OutOfScopeReason(known, value) is { } reason)
                {
                    dropped.Add(new DroppedAttributeValue(group.Key, value, reason));
                    continue;
                }

                values.Add(value);
            }

            if (values.Count > 0)
            {
                attributes.Add(new SamlReleasedAttribute(group.Key, values));
            }
        }

        var authn = assertion.AuthnStatements[0];
        var nameId = assertion.NameId;
        var session = new SamlSessionReference(assertion.Issuer, nameId?.Value ?? "", nameId?.Format,
            nameId?.NameQualifier, nameId?.SpNameQualifier, authn.SessionIndex);
        return new SamlLoginResult(assertion.Issuer, new SamlAuthentication(authn.AuthnInstant, authn.AuthnContextClassRef), attributes, session)
        {
            DroppedValues = dropped,
        };
    }

    // eduPersonTargetedID's value is a NameID; its traditional string form is IdP!SP!value.
    private static string? TextOf(SamlAttributeValue value, string issuer, string serviceProviderEntityId) =>
        value.NameId is { } nameId
            ? $"{nameId.NameQualifier ?? issuer}!{nameId.SpNameQualifier ?? serviceProviderEntityId}!{nameId.Value}"
            : value.Text;
}
