using AaiProxy.Federation;
using AaiProxy.Federation.Policy;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Trust;
using AaiProxy.Saml.Metadata;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Every IdP the SAML SP trusts: those named one by one (metadata files, the demo IdP) first, then those of the
/// configured federations (aggregates, then MDQ services). An entity ID known several ways is taken from the first.
/// </summary>
internal sealed class TrustedIdentityProviders(ConfiguredIdentityProviders configured, FederationEntities federations)
    : IIdentityProviderMetadataProvider
{
    public async ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default) =>
        await configured.Metadata.FindAsync(entityId, cancellationToken) ?? await federations.FindMetadataAsync(entityId, cancellationToken);

    public async ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default)
    {
        var named = await configured.Metadata.ListAsync(cancellationToken);
        var seen = named.Select(idp => idp.EntityId).ToHashSet(StringComparer.Ordinal);
        return [.. named, .. federations.ListMetadata().Where(idp => seen.Add(idp.EntityId))];
    }
}

internal static class FederationMetadata
{
    public const string HttpClientName = "AaiProxy.Federation";

    /// <summary>The federation metadata provider over the configured aggregates (none configured: an empty one).</summary>
    public static FederationMetadataProvider Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SamlOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>();
        var sources = options.Federations.Where(federation => federation.MdqBaseUrl is null).Select(federation => Source(federation, http)).ToList();
        return new FederationMetadataProvider(sources, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<FederationMetadataProvider>>());
    }

    /// <summary>The configured MDQ services, in configuration order.</summary>
    public static MdqFederations CreateMdq(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SamlOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<MdqMetadataProvider>>();
        return new MdqFederations([.. options.Federations.Where(federation => federation.MdqBaseUrl is not null).Select(federation =>
            new MdqFederation(federation.Name, new MdqMetadataProvider(http.CreateClient(HttpClientName), new MdqOptions
            {
                Name = federation.Name,
                BaseUrl = federation.MdqBaseUrl!,
                Anchor = Anchor(federation),
                UseSha1Identifiers = federation.MdqUseSha1Identifiers,
                DefaultCacheDuration = federation.MdqCacheDuration,
                MaxCacheDuration = federation.MdqMaxCacheDuration,
                NegativeCacheDuration = federation.MdqNegativeCacheDuration,
                Filter = Filter(federation.Filter),
                ReadOptions = MetadataReadOptions.MdqAnswer with { RequireValidUntil = federation.RequireValidUntil },
            }, time, logger), federation.MdqPrefetchEntityIds, federation.RefreshInterval))], time,
            services.GetRequiredService<ILogger<MdqFederations>>());
    }

    /// <summary>The per-IdP policy rules of <c>AaiProxy:Saml:PolicyRules</c>, in order.</summary>
    public static IdentityProviderPolicyRules PolicyRules(SamlOptions options) =>
        new([.. options.PolicyRules.Select(rule => new IdentityProviderPolicyRule(Filter(rule.Match))
        {
            AllowUnsolicitedResponses = rule.AllowUnsolicitedResponses,
            AllowSha1 = rule.AllowSha1,
            RequireEncryptedAssertions = rule.RequireEncryptedAssertions,
            AllowTripleDes = rule.AllowTripleDes,
        })]);

    private static MetadataTrustAnchor Anchor(SamlFederationOptions federation) =>
        federation.TrustAnchorCertificateFile is { Length: > 0 } file
            ? MetadataTrustAnchor.FromCertificateFile(file)
            : MetadataTrustAnchor.FromSha256Fingerprint(federation.TrustAnchorSha256Fingerprint!);

    private static IMetadataSource Source(SamlFederationOptions federation, IHttpClientFactory http)
    {
        var anchor = Anchor(federation);
        var read = MetadataReadOptions.Aggregate with { RequireValidUntil = federation.RequireValidUntil };
        var filter = Filter(federation.Filter);
        return federation.AggregateUrl is { } url
            ? new HttpAggregateSource(federation.Name, http.CreateClient(HttpClientName), url, anchor, federation.RefreshInterval, filter, read)
            : new FileAggregateSource(federation.Name, federation.AggregateFile!, anchor, federation.RefreshInterval, filter, read);
    }

    private static EntityFilter Filter(SamlFederationFilterOptions filter) => new()
    {
        IncludeRegistrationAuthorities = filter.IncludeRegistrationAuthorities.ToHashSet(StringComparer.Ordinal),
        ExcludeRegistrationAuthorities = filter.ExcludeRegistrationAuthorities.ToHashSet(StringComparer.Ordinal),
        IncludeEntityCategories = filter.IncludeEntityCategories.ToHashSet(StringComparer.Ordinal),
        ExcludeEntityCategories = filter.ExcludeEntityCategories.ToHashSet(StringComparer.Ordinal),
        IncludeEntityIds = filter.IncludeEntityIds.ToHashSet(StringComparer.Ordinal),
        ExcludeEntityIds = filter.ExcludeEntityIds.ToHashSet(StringComparer.Ordinal),
        IncludeAssuranceCertifications = filter.IncludeAssuranceCertifications.ToHashSet(StringComparer.Ordinal),
        RequireSirtfi = filter.RequireSirtfi,
    };

    /// <summary>Start-up validation of the federation settings; each message names the key to set.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<SamlFederationOptions> federations)
    {
        for (var index = 0; index < federations.Count; index++)
        {
            var federation = federations[index];
            var key = $"AaiProxy:Saml:Federations:{index}";
            if (string.IsNullOrWhiteSpace(federation.Name))
            {
                yield return $"{key}:Name is required.";
            }

            var kinds = (string.IsNullOrWhiteSpace(federation.AggregateFile) ? 0 : 1) + (federation.AggregateUrl is null ? 0 : 1)
                        + (federation.MdqBaseUrl is null ? 0 : 1);
            if (kinds != 1)
            {
                yield return $"{key}: set exactly one of AggregateFile, AggregateUrl and MdqBaseUrl.";
            }

            if (federation.AggregateUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"{key}:AggregateUrl must be an absolute https URL.";
            }

            if (federation.MdqBaseUrl is { } mdq && (!mdq.IsAbsoluteUri || !(mdq.Scheme == Uri.UriSchemeHttps || (mdq.Scheme == Uri.UriSchemeHttp && mdq.IsLoopback))))
            {
                yield return $"{key}:MdqBaseUrl must be an absolute https URL (http only to a loopback address), e.g. https://mdq.example.org/.";
            }

            if (federation.MdqBaseUrl is not null)
            {
                if (federation.MdqCacheDuration <= TimeSpan.Zero || federation.MdqNegativeCacheDuration <= TimeSpan.Zero)
                {
                    yield return $"{key}:MdqCacheDuration and MdqNegativeCacheDuration must be positive, for example 01:00:00 and 00:10:00.";
                }

                if (federation.MdqMaxCacheDuration < federation.MdqCacheDuration)
                {
                    yield return $"{key}:MdqMaxCacheDuration must be at least MdqCacheDuration.";
                }

                foreach (var entityId in federation.MdqPrefetchEntityIds.Where(entityId => string.IsNullOrWhiteSpace(entityId)))
                {
                    yield return $"{key}:MdqPrefetchEntityIds has an empty entry.";
                }
            }
            else if (federation.MdqPrefetchEntityIds.Count > 0 || federation.MdqUseSha1Identifiers)
            {
                yield return $"{key}: MdqPrefetchEntityIds and MdqUseSha1Identifiers need MdqBaseUrl.";
            }

            if (string.IsNullOrWhiteSpace(federation.TrustAnchorCertificateFile) == string.IsNullOrWhiteSpace(federation.TrustAnchorSha256Fingerprint))
            {
                yield return $"{key}: set exactly one of TrustAnchorCertificateFile and TrustAnchorSha256Fingerprint.";
            }

            if (federation.TrustAnchorCertificateFile is { Length: > 0 } certificate && !File.Exists(certificate))
            {
                yield return $"{key}:TrustAnchorCertificateFile '{certificate}' does not exist.";
            }

            if (federation.RefreshInterval <= TimeSpan.Zero)
            {
                yield return $"{key}:RefreshInterval must be positive, for example 01:00:00.";
            }
        }

        foreach (var duplicate in federations.GroupBy(federation => federation.Name, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            yield return $"AaiProxy:Saml:Federations names '{duplicate.Key}' more than once.";
        }
    }

    /// <summary>A rule that decides nothing is a mistake (a misspelt setting binds to nothing): say which.</summary>
    public static IEnumerable<string> PolicyRuleProblems(IReadOnlyList<SamlPolicyRuleOptions> rules) =>
        rules.Select((rule, index) => (rule, index))
            .Where(entry => entry.rule is { AllowUnsolicitedResponses: null, AllowSha1: null, RequireEncryptedAssertions: null, AllowTripleDes: null })
            .Select(entry => $"AaiProxy:Saml:PolicyRules:{entry.index} sets none of AllowUnsolicitedResponses, AllowSha1, RequireEncryptedAssertions, AllowTripleDes.");
}

/// <summary>Start-up validation of <c>AaiProxy:Saml:Federations</c> and <c>AaiProxy:Saml:PolicyRules</c>, each message naming its key.</summary>
internal sealed class SamlFederationOptionsValidator : IValidateOptions<SamlOptions>
{
    public ValidateOptionsResult Validate(string? name, SamlOptions options) =>
        FederationMetadata.Problems(options.Federations).Concat(FederationMetadata.PolicyRuleProblems(options.PolicyRules)).ToList() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Reads every federation aggregate and fetches the prefetched MDQ IdPs once before the proxy serves (a refused or
/// unreadable answer is logged and leaves those IdPs out; the proxy still starts), then keeps them fresh on their timers.
/// </summary>
internal sealed class FederationMetadataRefresh(FederationMetadataProvider federations, MdqFederations mdq) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await federations.RefreshAsync(cancellationToken);
        await mdq.PrefetchAsync(cancellationToken);
        federations.StartRefreshing();
        mdq.StartRefreshing();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
