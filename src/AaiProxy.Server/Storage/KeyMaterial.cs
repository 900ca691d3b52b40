namespace AaiProxy.Server.Storage;

/// <summary>A key pair (or symmetric key) ready to store: PKCS#8 (or raw bytes), and for SAML the DER certificate.</summary>
internal sealed record KeyMaterial(string Algorithm, byte[] PrivateKey, byte[]? Certificate);
