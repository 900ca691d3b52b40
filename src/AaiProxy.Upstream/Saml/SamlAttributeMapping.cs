using AaiProxy.Identity;
using AaiProxy.Saml.Attributes;

namespace AaiProxy.Upstream.Saml;

/// <summary>
/// Which SAML attribute (by its name in <see cref="SamlAttributeMap"/>) becomes which internal attribute
/// (<see cref="InternalAttributes"/>). The SAML adapter maps by it and the demo IdP sends by it.
/// </summary>
public static class SamlAttributeMapping
{
    private static readonly (SamlAttribute Saml, string Internal)[] Pairs =
    [
        (SamlAttributeMap.SubjectId, InternalAttributes.SubjectId),
        (SamlAttributeMap.PairwiseId, InternalAttributes.PairwiseId),
        (SamlAttributeMap.EduPersonUniqueId, InternalAttributes.EduPersonUniqueId),
        (SamlAttributeMap.EduPersonTargetedId, InternalAttributes.EduPersonTargetedId),
        (SamlAttributeMap.EduPersonPrincipalName, InternalAttributes.EduPersonPrincipalName),
        (SamlAttributeMap.Mail, InternalAttributes.Email),
        (SamlAttributeMap.DisplayName, InternalAttributes.Name),
        (SamlAttributeMap.GivenName, InternalAttributes.GivenName),
        (SamlAttributeMap.Surname, InternalAttributes.FamilyName),
        (SamlAttributeMap.EduPersonScopedAffiliation, InternalAttributes.EduPersonScopedAffiliation),
        (SamlAttributeMap.EduPersonAssurance, InternalAttributes.EduPersonAssurance),
        (SamlAttributeMap.EduPersonEntitlement, InternalAttributes.EduPersonEntitlement),
        (SamlAttributeMap.SchacHomeOrganization, InternalAttributes.SchacHomeOrganization),
        (SamlAttributeMap.VoPersonExternalAffiliation, InternalAttributes.VoPersonExternalAffiliation),
    ];

    private static readonly Dictionary<string, string> InternalBySamlName =
        Pairs.ToDictionary(pair => pair.Saml.Name, pair => pair.Internal, StringComparer.Ordinal);

    private static readonly Dictionary<string, SamlAttribute> SamlByInternalName =
        Pairs.ToDictionary(pair => pair.Internal, pair => pair.Saml, StringComparer.Ordinal);

    /// <summary>The internal name of a SAML attribute, or null when the proxy does not use it.</summary>
    public static string? InternalName(string samlName) => InternalBySamlName.GetValueOrDefault(samlName);

    /// <summary>The SAML attribute that carries an internal attribute, or null.</summary>
    public static SamlAttribute? ForInternalName(string internalName) => SamlByInternalName.GetValueOrDefault(internalName);
}
