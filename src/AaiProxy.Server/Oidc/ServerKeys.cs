using AaiProxy.Server.Configuration;
using System.Security.Cryptography;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Generates the provider's keys on first start, stores them, and turns stored keys into
/// credentials with a stable <c>kid</c>. The key used for new tokens is the oldest active key of the
/// configured algorithm, so every node and every restart agrees on it. Each generated key is audited
/// (<c>key.created</c>) by the store, which also logs it.
/// </summary>
internal sealed class ServerKeys(ServerKeyStore store)
{
    private const string EncryptionAlgorithm = "A256KW";

    /// <summary>Signing credentials, the one for new tokens first, then the other active keys (still in the JWKS).</summary>
    public List<SigningCredentials> SigningCredentials(string algorithm)
    {
        var keys = store.ActiveKeys(ServerKeyUsage.Signing);
        if (!keys.Any(key => key.Algorithm == algorithm))
        {
            store.Add(algorithm, ServerKeyUsage.Signing, GeneratePrivateKey(algorithm), AuditActors.Configuration);
            keys = store.ActiveKeys(ServerKeyUsage.Signing);
        }

        return [.. keys.OrderBy(key => key.Algorithm == algorithm ? 0 : 1).Select(ToSigningCredentials)];
    }

    /// <summary>The symmetric key OpenIddict encrypts its authorization codes and refresh tokens with.</summary>
    public List<EncryptingCredentials> EncryptionCredentials()
    {
        var keys = store.ActiveKeys(ServerKeyUsage.Encryption);
        if (keys.Count == 0)
        {
            store.Add(EncryptionAlgorithm, ServerKeyUsage.Encryption, RandomNumberGenerator.GetBytes(32), AuditActors.Configuration);
            keys = store.ActiveKeys(ServerKeyUsage.Encryption);
        }

        return [.. keys.Select(key => new EncryptingCredentials(
            new SymmetricSecurityKey(key.PrivateKey) { KeyId = key.Id },
            SecurityAlgorithms.Aes256KW,
            SecurityAlgorithms.Aes256CbcHmacSha512))];
    }

    private static byte[] GeneratePrivateKey(string algorithm) => algorithm switch
    {
        SigningAlgorithms.RS256 => RSA.Create(3072).ExportPkcs8PrivateKey(),
        SigningAlgorithms.ES256 => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey(),
        _ => throw new NotSupportedException($"Signing algorithm {algorithm} is not supported."),
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
