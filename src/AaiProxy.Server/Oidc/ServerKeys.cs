using System.Security.Cryptography;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Turns the stored key ring into OpenIddict's credentials with a stable <c>kid</c>, generating the first keys on first
/// start. The key for new tokens is the current key (activated, highest version) of the configured algorithm, first in
/// the list; the others (a pending successor, predecessors within their overlap) are published and validate. Every node
/// computes the same list from the same rows.
/// </summary>
internal sealed class ServerKeys(ServerKeyStore store, IOptions<ProxyOptions> options)
{
    public const string EncryptionAlgorithm = "A256KW";

    /// <summary>Signing credentials, the one for new tokens first, then the other published keys (still in the JWKS).</summary>
    public List<SigningCredentials> SigningCredentials(string algorithm)
    {
        var keys = store.Published(ServerKeyUsage.Signing);
        if (!keys.Any(key => key.Algorithm == algorithm))
        {
            store.Add(algorithm, ServerKeyUsage.Signing, GeneratePrivateKey(algorithm, options.Value.Keys.RsaSigningKeySize), AuditActors.Configuration);
            keys = store.Published(ServerKeyUsage.Signing);
        }

        return [.. keys.OrderBy(key => key.Algorithm == algorithm ? 0 : 1).Select(ToSigningCredentials)];
    }

    /// <summary>The symmetric keys OpenIddict encrypts its authorization codes and refresh tokens with, the current one first.</summary>
    public List<EncryptingCredentials> EncryptionCredentials()
    {
        var keys = store.Published(ServerKeyUsage.Encryption);
        if (keys.Count == 0)
        {
            store.Add(EncryptionAlgorithm, ServerKeyUsage.Encryption, GeneratePrivateKey(EncryptionAlgorithm, options.Value.Keys.RsaSigningKeySize), AuditActors.Configuration);
            keys = store.Published(ServerKeyUsage.Encryption);
        }

        return [.. keys.Select(key => new EncryptingCredentials(
            new SymmetricSecurityKey(key.PrivateKey) { KeyId = key.Id },
            SecurityAlgorithms.Aes256KW,
            SecurityAlgorithms.Aes256CbcHmacSha512))];
    }

    /// <summary>A new private key: PKCS#8 for RS256 (<paramref name="rsaKeySize"/> bits) and ES256, 32 random bytes for A256KW.</summary>
    public static byte[] GeneratePrivateKey(string algorithm, int rsaKeySize) => algorithm switch
    {
        SigningAlgorithms.RS256 => RSA.Create(rsaKeySize).ExportPkcs8PrivateKey(),
        SigningAlgorithms.ES256 => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey(),
        EncryptionAlgorithm => RandomNumberGenerator.GetBytes(32),
        _ => throw new NotSupportedException($"Algorithm {algorithm} is not supported."),
    };

    private static SigningCredentials ToSigningCredentials(ServerKeyEntity key)
    {
        switch (key.Algorithm)
        {
            case SigningAlgorithms.RS256:
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(key.PrivateKey, out _);
                return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Id }, SecurityAlgorithms.RsaSha256);
            case SigningAlgorithms.ES256:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(key.PrivateKey, out _);
                return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = key.Id }, SecurityAlgorithms.EcdsaSha256);
            default:
                throw new NotSupportedException($"Stored key {key.Id} has unsupported algorithm {key.Algorithm}.");
        }
    }
}
