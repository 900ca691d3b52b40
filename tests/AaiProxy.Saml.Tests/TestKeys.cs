using AaiProxy.Saml.Tests.Bindings;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml.Tests;

/// <summary>Key pairs generated once per test run (RSA generation is the slow part of the suite).</summary>
internal static class TestKeys
{
    private static readonly Lazy<X509Certificate2> IdpSigningLazy = new(() => Create("Test IdP signing"));
    private static readonly Lazy<X509Certificate2> AttackerLazy = new(() => Create("Attacker"));
    private static readonly Lazy<X509Certificate2> SpEncryptionLazy = new(() => Create("Test SP encryption"));
    private static readonly Lazy<X509Certificate2> SpOldEncryptionLazy = new(() => Create("Test SP old encryption"));

    public static X509Certificate2 IdpSigning => IdpSigningLazy.Value;

    /// <summary>A key that appears in no metadata.</summary>
    public static X509Certificate2 Attacker => AttackerLazy.Value;

    public static X509Certificate2 SpEncryption => SpEncryptionLazy.Value;

    public static X509Certificate2 SpOldEncryption => SpOldEncryptionLazy.Value;

    private static X509Certificate2 Create(string subject) => new TestKeyPair(subject).WithPrivateKey;
}
