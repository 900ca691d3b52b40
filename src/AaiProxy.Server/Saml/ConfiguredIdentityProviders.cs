using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Validation;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Hosting;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Saml;

/// <summary>
/// The identity providers this proxy trusts, read once at start-up: those whose metadata files the
/// operator named (with their per-IdP policy), plus the demo IdP when the demo is on. A broken file
/// stops the host with a message naming it.
/// </summary>
internal sealed class ConfiguredIdentityProviders
{
    public ConfiguredIdentityProviders(IOptions<SamlOptions> saml, IOptions<ProxyOptions> proxy, IServiceProvider services)
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

        if (proxy.Value.Demo.Enabled)
        {
            metadata.Add(services.GetRequiredService<DemoIdentityProvider>().ReadMetadata());
        }

        Metadata = new InMemoryIdentityProviderMetadataProvider(metadata);
        Policies = policies;
    }

    public IIdentityProviderMetadataProvider Metadata { get; }

    public IReadOnlyDictionary<string, IdentityProviderPolicy> Policies { get; }
}
