using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml;

/// <summary>Who we are as a SAML service provider. Built by the host from validated options.</summary>
/// <param name="EntityId">Our entity ID; assertions must name it as <c>Audience</c>.</param>
/// <param name="AssertionConsumerServiceUrl">Our ACS (HTTP-POST); <c>Destination</c> and <c>Recipient</c> must equal it.</param>
/// <param name="SingleLogoutServiceUrl">Our SLO endpoint (HTTP-Redirect).</param>
/// <param name="Keys">Our key pairs now; the host replaces them when a key is rotated.</param>
public sealed record ServiceProviderSettings(
    string EntityId,
    Uri AssertionConsumerServiceUrl,
    Uri SingleLogoutServiceUrl,
    ServiceProviderKeyRing Keys)
{
    /// <summary>Fixed keys: <paramref name="signingCertificate"/> signs and is published; the first of
    /// <paramref name="decryptionCertificates"/> is published for encryption, all of them decrypt.</summary>
    public ServiceProviderSettings(string entityId, Uri assertionConsumerServiceUrl, Uri singleLogoutServiceUrl,
        X509Certificate2 signingCertificate, IReadOnlyList<X509Certificate2> decryptionCertificates)
        : this(entityId, assertionConsumerServiceUrl, singleLogoutServiceUrl,
            new ServiceProviderKeyRing(new ServiceProviderKeys(signingCertificate, decryptionCertificates)))
    {
    }

    /// <summary>Our signing key pair now (AuthnRequests, LogoutRequests, metadata).</summary>
    public X509Certificate2 SigningCertificate => Keys.Current.Signing;

    /// <summary>Key pairs for decrypting assertions now: the current one first, then those kept for rollover.</summary>
    public IReadOnlyList<X509Certificate2> DecryptionCertificates => Keys.Current.Decryption;
}

/// <summary>Our SAML key pairs at one moment.</summary>
/// <param name="Signing">Signs what we send.</param>
/// <param name="Decryption">Decrypt assertions: the current key first, then a successor published ahead and a predecessor
/// within its overlap (an IdP may still encrypt to either).</param>
public sealed record ServiceProviderKeys(X509Certificate2 Signing, IReadOnlyList<X509Certificate2> Decryption)
{
    /// <summary>The signing certificates in our metadata: the current one, then a successor published ahead of use.</summary>
    public IReadOnlyList<X509Certificate2> PublishedSigning { get; init; } = [Signing];

    /// <summary>The encryption certificates in our metadata: the current one, then a successor published ahead of use.</summary>
    public IReadOnlyList<X509Certificate2> PublishedEncryption { get; init; } = [.. Decryption.Take(1)];

    /// <summary>Every certificate that may have signed a message of ours that is still in flight: the published ones and
    /// a predecessor within its overlap. For whoever checks our signatures (the embedded demo IdP).</summary>
    public IReadOnlyList<X509Certificate2> SigningAccepted { get; init; } = [Signing];
}

/// <summary>Holds the <see cref="ServiceProviderKeys"/> in use; the host swaps them when a key is rotated, everyone reads
/// <see cref="Current"/> per message.</summary>
public sealed class ServiceProviderKeyRing(ServiceProviderKeys initial)
{
    private ServiceProviderKeys _current = initial;
    private int _generation;

    public ServiceProviderKeys Current => Volatile.Read(ref _current);

    /// <summary>Moves on at each <see cref="Replace"/>: whoever caches something derived from the keys compares it.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public void Replace(ServiceProviderKeys keys)
    {
        Volatile.Write(ref _current, keys);
        Interlocked.Increment(ref _generation);
    }
}
