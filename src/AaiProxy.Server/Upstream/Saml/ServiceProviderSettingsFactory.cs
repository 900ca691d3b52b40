using AaiProxy.Server.Configuration;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Saml;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>Builds who we are as a SAML SP from validated options, once, at start-up.</summary>
internal static class ServiceProviderSettingsFactory
{
    public static ServiceProviderSettings Create(IServiceProvider services)
    {
        var saml = services.GetRequiredService<IOptions<SamlOptions>>().Value;
        var proxy = services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var origin = services.GetRequiredService<ListeningOrigins>().PublicOrigin(proxy);
        var keyDirectory = Path.Combine(proxy.DataDirectoryFullPath, "saml");
        var password = services.GetRequiredService<AaiProxy.Data.KeyEncryptionKey>().DerivePassword(ServiceProviderCertificates.PasswordPurpose);

        var signing = string.IsNullOrWhiteSpace(saml.SigningCertificateFile)
            ? ServiceProviderCertificates.LoadOrCreate(Path.Combine(keyDirectory, "sp-signing.pfx"), "AaiProxy SAML signing",
                X509KeyUsageFlags.DigitalSignature, password, time)
            : ServiceProviderCertificates.Load(saml.SigningCertificateFile, saml.SigningCertificatePasswordFile);
        IReadOnlyList<X509Certificate2> decryption = saml.DecryptionCertificateFiles.Count > 0
            ? [.. saml.DecryptionCertificateFiles.Select(file => ServiceProviderCertificates.Load(file, passwordFile: null))]
            : [ServiceProviderCertificates.LoadOrCreate(Path.Combine(keyDirectory, "sp-encryption.pfx"), "AaiProxy SAML encryption",
                X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, password, time)];

        return new ServiceProviderSettings(
            EntityId: saml.EntityId ?? origin + SamlPaths.Metadata,
            AssertionConsumerServiceUrl: new Uri(origin + SamlPaths.AssertionConsumerService),
            SingleLogoutServiceUrl: new Uri(origin + SamlPaths.SingleLogoutService),
            SigningCertificate: signing,
            DecryptionCertificates: decryption);
    }
}
