using AaiProxy.Server.Configuration;
using AaiProxy.Identity;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc;

/// <summary>What the proxy believes of upstream claims: configuration section <c>AaiProxy:Claims</c>.</summary>
public sealed class ClaimsOptions
{
    public const string SectionName = "AaiProxy:Claims";

    /// <summary>The proxy's own entitlement namespace when none is configured.</summary>
    public const string DefaultEntitlementNamespace = "urn:geant:aaiproxy.example.org";

    /// <summary>
    /// The proxy's own entitlement namespaces (AARC-G069 <c>&lt;NAMESPACE&gt;</c>, e.g.
    /// <c>urn:geant:aai.example.org</c>): only the proxy issues values in them, so upstream values there are
    /// always dropped. Empty: <see cref="DefaultEntitlementNamespace"/>.
    /// </summary>
    public List<string> EntitlementNamespaces { get; set; } = [];

    /// <summary>Upstream issuers whose entitlements are believed, each under its own prefixes. An issuer
    /// not listed here has every entitlement dropped.</summary>
    public List<UpstreamEntitlementOptions> UpstreamEntitlements { get; set; } = [];

    public IReadOnlyList<string> EffectiveEntitlementNamespaces =>
        EntitlementNamespaces.Count > 0 ? EntitlementNamespaces : [DefaultEntitlementNamespace];

    /// <summary>The filter's policy, with <c>{origin}</c> in an issuer replaced by the proxy's public origin
    /// (for the embedded demo IdP, whose entity ID is under it).</summary>
    internal UpstreamAttributePolicy ToPolicy(string publicOrigin) => new(
        EffectiveEntitlementNamespaces,
        UpstreamEntitlements
            .Select(issuer => (Issuer: issuer.Issuer.Replace(ClientOptions.OriginPlaceholder, publicOrigin, StringComparison.Ordinal),
                issuer.AllowedPrefixes))
            .GroupBy(issuer => issuer.Issuer, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<string>)[.. group.SelectMany(issuer => issuer.AllowedPrefixes)], StringComparer.Ordinal));
}

/// <summary>One upstream issuer's entitlement allow-list.</summary>
public sealed class UpstreamEntitlementOptions
{
    /// <summary>The SAML entity ID or OIDC issuer; <c>{origin}</c> stands for each listening origin.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Value prefixes this issuer may assert, e.g. <c>urn:mace:dir:entitlement:common-lib-terms</c>.</summary>
    public List<string> AllowedPrefixes { get; set; } = [];
}

/// <summary>Start-up validation of <see cref="ClaimsOptions"/>: each message says what to set.</summary>
internal sealed class ClaimsOptionsValidator(IOptions<ProxyOptions> proxy) : IValidateOptions<ClaimsOptions>
{
    public ValidateOptionsResult Validate(string? name, ClaimsOptions options)
    {
        var failures = new List<string>();
        failures.AddRange(options.EntitlementNamespaces.Where(ns => !Uri.TryCreate(ns, UriKind.Absolute, out _))
            .Select(ns => $"{ClaimsOptions.SectionName}:EntitlementNamespaces has '{ns}', which is not a URN or URL such as urn:geant:aai.example.org."));

        for (var index = 0; index < options.UpstreamEntitlements.Count; index++)
        {
            var path = $"{ClaimsOptions.SectionName}:UpstreamEntitlements:{index}";
            var issuer = options.UpstreamEntitlements[index];
            if (string.IsNullOrWhiteSpace(issuer.Issuer))
            {
                failures.Add($"{path}:Issuer is required: the SAML entity ID or OIDC issuer whose entitlements are believed.");
            }

            if (issuer.AllowedPrefixes.Count == 0 || issuer.AllowedPrefixes.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{path}:AllowedPrefixes must list non-empty value prefixes, e.g. urn:mace:dir:entitlement:common-lib-terms.");
            }

            failures.AddRange(issuer.AllowedPrefixes
                .Where(prefix => options.EffectiveEntitlementNamespaces.Any(ns => prefix.StartsWith(ns, StringComparison.OrdinalIgnoreCase)))
                .Select(prefix => $"{path}:AllowedPrefixes has '{prefix}', inside the proxy's own entitlement namespace: upstream values there are always dropped. Remove it."));
        }

        // The proxy's group entitlements must be in a namespace upstream values are dropped from, or an IdP could forge them.
        if (proxy.Value.Facilities.Count > 0
            && !options.EffectiveEntitlementNamespaces.Contains(proxy.Value.Groups.Entitlements.Namespace, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"AaiProxy:Groups:Entitlements:Namespace '{proxy.Value.Groups.Entitlements.Namespace}' must be one of {ClaimsOptions.SectionName}:EntitlementNamespaces ({string.Join(", ", options.EffectiveEntitlementNamespaces)}): upstream values there are dropped, so only the proxy issues group entitlements.");
        }

        failures.AddRange(options.UpstreamEntitlements.GroupBy(issuer => issuer.Issuer, StringComparer.Ordinal).Where(group => group.Count() > 1)
            .Select(group => $"{ClaimsOptions.SectionName}:UpstreamEntitlements lists issuer '{group.Key}' more than once."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
