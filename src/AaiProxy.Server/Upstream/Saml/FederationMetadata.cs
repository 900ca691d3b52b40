using AaiProxy.Federation;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Trust;
using AaiProxy.Saml.Metadata;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Every IdP the SAML SP trusts: those named one by one (metadata files, the demo IdP) first, then those of the
/// configured federation aggregates. An entity ID known both ways is taken from the first.
/// </summary>
internal sealed class TrustedIdentityProviders(ConfiguredIdentityProviders configured, FederationMetadataProvider federations)
    : IIdentityProviderMetadataProvider
{
    public async ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default) =>
        await configured.Metadata.FindAsync(entityId, cancellationToken) ?? await federations.FindAsync(entityId, cancellationToken);

    public async ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default)
    {
        var named = await configured.Metadata.ListAsync(cancellationToken);
        var seen = named.Select(idp => idp.EntityId).ToHashSet(StringComparer.Ordinal);
        return [.. named, .. (await federations.ListAsync(cancellationToken)).Where(idp => !seen.Contains(idp.EntityId))];
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
        var sources = options.Federations.Select(federation => Source(federation, http)).ToList();
        return new FederationMetadataProvider(sources, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<FederationMetadataProvider>>());
    }

    private static IMetadataSource Source(SamlFederationOptions federation, IHttpClientFactory http)
    {
        var anchor = federation.TrustAnchorCertificateFile is { Length: > 0 } file
            ? MetadataTrustAnchor.FromCertificateFile(file)
            : MetadataTrustAnchor.FromSha256Fingerprint(federation.TrustAnchorSha256Fingerprint!);
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

            if (string.IsNullOrWhiteSpace(federation.AggregateFile) == (federation.AggregateUrl is null))
            {
                yield return $"{key}: set exactly one of AggregateFile and AggregateUrl.";
            }

            if (federation.AggregateUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"{key}:AggregateUrl must be an absolute https URL.";
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
}

/// <summary>Start-up validation of <c>AaiProxy:Saml:Federations</c>, each message naming its key.</summary>
internal sealed class SamlFederationOptionsValidator : IValidateOptions<SamlOptions>
{
    public ValidateOptionsResult Validate(string? name, SamlOptions options) =>
        FederationMetadata.Problems(options.Federations).ToList() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Reads every federation aggregate once before the proxy serves (a refused or unreadable aggregate is logged and
/// leaves that federation's IdPs out; the proxy still starts), then keeps them fresh on their timers.
/// </summary>
internal sealed class FederationMetadataRefresh(FederationMetadataProvider federations) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await federations.RefreshAsync(cancellationToken);
        federations.StartRefreshing();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
