using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Validation;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// The identity providers this proxy trusts, read once at start-up: those whose metadata files the
/// operator named (with their per-IdP policy), plus IdPs served by this process (the demo IdP when the demo is on). A broken file
/// stops the host with a message naming it.
/// </summary>
internal sealed class ConfiguredIdentityProviders
{
    public ConfiguredIdentityProviders(IOptions<SamlOptions> saml, IEnumerable<IEmbeddedIdentityProvider> embedded)
    {
        var metadata = new List<IdentityProviderMetadata>();
        var policies = new Dictionary<string, IdentityProviderPolicy>(StringComparer.Ordinal);
        foreach (var configured in saml.Value.IdentityProviders)
        {
            var idp = IdentityProviderMetadataReader.ReadFile(configured.MetadataFile);
            metadata.Add(configured.DisplayName is { } name ? idp with { DisplayName = name } : idp);
            policies[idp.EntityId] = new IdentityProviderPolicy(configured.AllowUnsolicitedResponses, configured.AllowSha1,
                configured.RequireEncryptedAssertions, configured.AllowTripleDes);
        }

        metadata.AddRange(embedded.Select(idp => idp.ReadMetadata()));

        Metadata = new InMemoryIdentityProviderMetadataProvider(metadata);
        Policies = policies;
    }

    public IIdentityProviderMetadataProvider Metadata { get; }

    public IReadOnlyDictionary<string, IdentityProviderPolicy> Policies { get; }
}

/// <summary>An identity provider served by this process (the embedded demo's), trusted through its metadata
/// document like any other: <see cref="ReadMetadata"/> reads it with the same reader as a file's.</summary>
public interface IEmbeddedIdentityProvider
{
    IdentityProviderMetadata ReadMetadata();
}
