using AaiProxy.Server.Configuration;
using AaiProxy.Saml;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>Builds who we are as a SAML SP from validated options, once, at start-up; the keys come from
/// <see cref="ServiceProviderKeySource"/>, which swaps them when they are rotated.</summary>
internal static class ServiceProviderSettingsFactory
{
    public static ServiceProviderSettings Create(IServiceProvider services)
    {
        var saml = services.GetRequiredService<IOptions<SamlOptions>>().Value;
        var proxy = services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var origin = services.GetRequiredService<ListeningOrigins>().PublicOrigin(proxy);
        return new ServiceProviderSettings(
            EntityId: saml.EntityId ?? origin + SamlPaths.Metadata,
            AssertionConsumerServiceUrl: new Uri(origin + SamlPaths.AssertionConsumerService),
            SingleLogoutServiceUrl: new Uri(origin + SamlPaths.SingleLogoutService),
            Keys: services.GetRequiredService<ServiceProviderKeySource>().Ring);
    }
}
