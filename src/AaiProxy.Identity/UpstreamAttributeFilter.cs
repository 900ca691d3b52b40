namespace AaiProxy.Identity;

/// <summary>Why an upstream attribute value was not kept.</summary>
public enum DroppedValueReason
{
    /// <summary>An entitlement in one of the proxy's own namespaces: only the proxy issues those.</summary>
    ProxyEntitlementNamespace,

    /// <summary>An entitlement from an issuer without an allow-list, or outside its allowed prefixes.</summary>
    EntitlementNotAllowedForIssuer,

    /// <summary>An assurance value outside the REFEDS Assurance Framework.</summary>
    AssuranceNotRefeds,
}

/// <summary>One upstream value the filter dropped.</summary>
public sealed record DroppedUpstreamValue(string Attribute, string Value, DroppedValueReason Reason);

/// <summary>What the filter kept (the same identity with only the kept values) and what it dropped.</summary>
public sealed record FilteredUpstreamIdentity(UpstreamIdentity Kept, IReadOnlyList<DroppedUpstreamValue> Dropped);

/// <summary>
/// What the proxy believes of upstream entitlements and assurance.
/// </summary>
/// <param name="ProxyEntitlementNamespaces">The proxy's own entitlement namespaces (e.g.
/// <c>urn:geant:aaiproxy.example.org</c>): upstream values in them are always dropped.</param>
/// <param name="EntitlementPrefixesByIssuer">Per upstream issuer, the entitlement prefixes it may assert.
/// An issuer that is not listed has all its entitlements dropped.</param>
public sealed record UpstreamAttributePolicy(
    IReadOnlyList<string> ProxyEntitlementNamespaces,
    IReadOnlyDictionary<string, IReadOnlyList<string>> EntitlementPrefixesByIssuer);

/// <summary>
/// Upstream <c>eduPersonEntitlement</c> and <c>eduPersonAssurance</c> values are never released as the
/// proxy's own: entitlements in the proxy's namespaces are dropped, other entitlements pass only under an
/// issuer's allow-listed prefixes, assurance passes only for REFEDS Assurance Framework values. Claims
/// computation applies it, so tokens can never carry a dropped value; sign-in may apply it too, to log
/// what was dropped and store only what was kept.
/// </summary>
public sealed class UpstreamAttributeFilter(UpstreamAttributePolicy policy)
{
    /// <summary>The REFEDS Assurance Framework prefix (the value itself and everything under it).</summary>
    public const string RefedsAssurancePrefix = "https://refeds.org/assurance";

    public FilteredUpstreamIdentity Filter(UpstreamIdentity upstream)
    {
        var dropped = new List<DroppedUpstreamValue>();
        var attributes = new Dictionary<string, IReadOnlyList<string>>(upstream.Attributes, StringComparer.Ordinal);
        Keep(attributes, InternalAttributes.EduPersonEntitlement, value => EntitlementVerdict(upstream.Issuer, value), dropped);
        Keep(attributes, InternalAttributes.EduPersonAssurance, AssuranceVerdict, dropped);
        return new FilteredUpstreamIdentity(upstream with { Attributes = attributes }, dropped);
    }

    private DroppedValueReason? EntitlementVerdict(string issuer, string value)
    {
        if (policy.ProxyEntitlementNamespaces.Any(ns => IsUnder(value, ns)))
        {
            return DroppedValueReason.ProxyEntitlementNamespace;
        }

        return policy.EntitlementPrefixesByIssuer.TryGetValue(issuer, out var prefixes) &&
               prefixes.Any(prefix => value.StartsWith(prefix, StringComparison.Ordinal))
            ? null
            : DroppedValueReason.EntitlementNotAllowedForIssuer;
    }

    private static DroppedValueReason? AssuranceVerdict(string value) =>
        value == RefedsAssurancePrefix || value.StartsWith(RefedsAssurancePrefix + "/", StringComparison.Ordinal)
            ? null
            : DroppedValueReason.AssuranceNotRefeds;

    // A URN namespace is compared case-insensitively (RFC 8141 NID and AARC-G069 normalisation), and only
    // as a whole segment: "urn:x:proxy" covers "urn:x:proxy:group:a", not "urn:x:proxyfoo".
    private static bool IsUnder(string value, string ns) =>
        value.Equals(ns, StringComparison.OrdinalIgnoreCase) ||
        (value.StartsWith(ns, StringComparison.OrdinalIgnoreCase) && value.Length > ns.Length && value[ns.Length] is ':' or '/' or '#');

    private static void Keep(Dictionary<string, IReadOnlyList<string>> attributes, string attribute,
        Func<string, DroppedValueReason?> verdict, List<DroppedUpstreamValue> dropped)
    {
        if (!attributes.TryGetValue(attribute, out var values))
        {
            return;
        }

        var kept = new List<string>();
        foreach (var value in values)
        {
            if (verdict(value) is { } reason)
            {
                dropped.Add(new DroppedUpstreamValue(attribute, value, reason));
            }
            else
            {
                kept.Add(value);
            }
        }

        if (kept.Count == 0)
        {
            attributes.Remove(attribute);
        }
        else
        {
            attributes[attribute] = kept;
        }
    }
}
