using System.Security.Cryptography;
using System.Text;

namespace AaiProxy.Data;

/// <summary>
/// The key-encryption key (KEK) that protects every private key the proxy keeps at rest: the OpenID
/// provider's keys in the database, data-protection keys, generated SAML key files. AES-256-GCM, the
/// purpose (for example the key's id) bound as associated data so that a protected value cannot be moved
/// to another row. The KEK itself comes from a file or the environment, never from the database or the
/// data directory it protects (the demo's generated one excepted).
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] key;

    public KeyEncryptionKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A key-encryption key has {KeySize} bytes (base64 of 32 random bytes), not {key.Length}.", nameof(key));
        }

        this.key = key.ToArray();
    }

    /// <summary>"AKV1": the first bytes of every value this class protects.</summary>
    private static ReadOnlySpan<byte> Magic => "AKV1"u8;

    public static bool IsProtected(ReadOnlySpan<byte> value) => value.StartsWith(Magic) && value.Length >= Magic.Length + NonceSize + TagSize;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[Magic.Length + NonceSize + TagSize + plaintext.Length];
        Magic.CopyTo(output);
        var nonce = output.AsSpan(Magic.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Magic.Length + NonceSize + TagSize), output.AsSpan(Magic.Length + NonceSize, TagSize),
            Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    /// <exception cref="CryptographicException">The value was not protected by this KEK for this purpose (or was altered).</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> value, string purpose)
    {
        if (!IsProtected(value))
        {
            throw new CryptographicException($"The value for '{purpose}' is not protected by a key-encryption key.");
        }

        var plaintext = new byte[value.Length - Magic.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(value.Slice(Magic.Length, NonceSize), value[(Magic.Length + NonceSize + TagSize)..],
                value.Slice(Magic.Length + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new CryptographicException($"The value for '{purpose}' was protected by another key-encryption key, or altered.", exception);
        }

        return plaintext;
    }

    /// <summary>A password for files that carry their own encryption (PKCS#12), derived for one purpose.</summary>
    public string DerivePassword(string purpose) =>
        Convert.ToBase64String(HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes("aaiproxy:" + purpose)));
}
