using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Validation;

// bench/SamlBench: `write DIR COUNT` writes keys, the IdP's metadata and COUNT responses of each kind;
// `run DIR SECONDS [WARMUP]` validates them in one thread for SECONDS per row, each row after at least WARMUP seconds
// (default 4) of the same work unrecorded and until the JIT is quiet, and prints `name=validations per CPU second`.
return args switch
{
    ["write", var dir, var count] => Bench.Write(dir, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)),
    ["run", var dir, var seconds] => await Bench.RunAsync(dir, Seconds(seconds), 4),
    ["run", var dir, var seconds, var warmup] => await Bench.RunAsync(dir, Seconds(seconds), Seconds(warmup)),
    _ => Usage(),
};

static double Seconds(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

static int Usage()
{
    Console.Error.WriteLine("usage: SamlBench write DIR COUNT | run DIR SECONDS [WARMUP]");
    return 2;
}

internal static class Bench
{
    public const string IdpEntityId = "https://idp.bench.example.org/idp/shibboleth";
    public const string SpEntityId = "https://proxy.bench.example.eu/saml/metadata";
    public const string RequestId = "_bench0123456789abcdef0123456789ab";
    public static readonly Uri Acs = new("https://proxy.bench.example.eu/saml/acs");
    private static readonly string[] Kinds = ["signed", "encrypted"];

    public static int Write(string dir, int count)
    {
        Directory.CreateDirectory(dir);
        var idp = NewKeyPair("Bench IdP signing");
        var sp = NewKeyPair("Bench SP encryption");
        File.WriteAllText(Path.Combine(dir, "idp-cert.pem"), idp.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "sp-cert.pem"), sp.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "sp-key.pem"), sp.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(Path.Combine(dir, "sp.p12"), sp.Export(X509ContentType.Pkcs12));
        File.WriteAllText(Path.Combine(dir, "idp-metadata.xml"), IdpMetadata(idp));

        // Valid for an hour from now, so that every validator of the part sees them in their time window.
        var writer = new SamlResponseWriter(IdpEntityId, idp, TimeProvider.System);
        foreach (var kind in Kinds)
        {
            Directory.CreateDirectory(Path.Combine(dir, kind));
        }

        for (var i = 0; i < count; i++)
        {
            var content = new SamlResponseContent(Acs, SpEntityId, RequestId, $"p-bench-{i:D5}", $"_session-{i}",
                "https://refeds.org/profile/mfa", Attributes) { Lifetime = TimeSpan.FromHours(1) };
            File.WriteAllText(Path.Combine(dir, "signed", $"{i:D5}.xml"), writer.Write(content));
            File.WriteAllText(Path.Combine(dir, "encrypted", $"{i:D5}.xml"), writer.Write(content with { EncryptFor = X509CertificateLoader.LoadCertificate(sp.RawData) }));
        }

        return 0;
    }

    public static async Task<int> RunAsync(string dir, double seconds, double warmup)
    {
        var idp = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "idp-cert.pem")));
        var sp = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(dir, "sp.p12"), null);
        var validator = new SamlResponseValidator(
            new ServiceProviderSettings(SpEntityId, Acs, new Uri("https://proxy.bench.example.eu/saml/slo"), sp, [sp]),
            new InMemoryIdentityProviderMetadataProvider([new IdentityProviderMetadata(IdpEntityId, [idp],
                new Uri("https://idp.bench.example.org/sso"), null, [new ShibbolethScope("bench.example.org", false)], "Bench IdP")]),
            new AcceptEveryAssertion(), TimeProvider.System, new SamlValidationOptions());
        var expected = new SamlResponseExpectations(RequestId, IdpEntityId, []);

        foreach (var kind in Kinds)
        {
            var responses = Directory.GetFiles(Path.Combine(dir, kind), "*.xml").Order(StringComparer.Ordinal)
                .Select(File.ReadAllText).ToArray();
            var base64 = responses.Select(xml => Convert.ToBase64String(Encoding.UTF8.GetBytes(xml))).ToArray();
            Report($"proxy_{kind}", await RateAsync(seconds, warmup, async i => await validator.ValidateAsync(base64[i % base64.Length], expected)));
        }

        // The ceiling: .NET's SignedXml checking the assertion's signature (parsing included) with the IdP's public
        // key taken out of its certificate once, as the library does, and, for the encrypted kind, one RSA-OAEP key
        // decryption with the SP's key besides (the private-key operation).
        var signed = Directory.GetFiles(Path.Combine(dir, "signed"), "*.xml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        using var idpKey = idp.GetRSAPublicKey()!;
        var signatureRate = await RateAsync(seconds, warmup, i => { RawSignatureCheck(signed[i % signed.Length], idpKey); return Task.CompletedTask; });
        Report("raw_signed", signatureRate);
        using var spKey = sp.GetRSAPrivateKey()!;
        var wrapped = sp.GetRSAPublicKey()!.Encrypt(RandomNumberGenerator.GetBytes(32), RSAEncryptionPadding.OaepSHA1);
        var unwrapRate = await RateAsync(seconds, warmup, _ => { spKey.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA1); return Task.CompletedTask; });
        Report("raw_rsa_oaep_decrypt", unwrapRate);
        Report("raw_encrypted", 1 / (1 / signatureRate + 1 / unwrapRate));
        return 0;
    }

    private static void RawSignatureCheck(string xml, RSA idpKey)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(xml);
        var namespaces = new XmlNamespaceManager(document.NameTable);
        namespaces.AddNamespace("saml", SamlNamespaces.Assertion);
        namespaces.AddNamespace("ds", SamlNamespaces.XmlDsig);
        var assertion = (XmlElement)document.SelectSingleNode("/*/saml:Assertion", namespaces)!;
        var signedXml = new SignedXml(assertion);
        signedXml.LoadXml((XmlElement)assertion.SelectSingleNode("ds:Signature", namespaces)!);
        if (!signedXml.CheckSignature(idpKey))
        {
            throw new InvalidOperationException("raw SignedXml refused a response the writer signed");
        }
    }

    /// <summary>Operations per CPU second of this process over about <paramref name="seconds"/> of wall time, after
    /// the warm-up (<see cref="AaiProxy.Bench.JitWarmUp"/>, at least <paramref name="warmup"/> seconds).</summary>
    private static async Task<double> RateAsync(double seconds, double warmup, Func<int, Task> operation)
    {
        await AaiProxy.Bench.JitWarmUp.RunAsync(warmup, operation);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await operation(count++);
        }

        process.Refresh();
        return count / (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    }

    private static void Report(string name, double rate) =>
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}={rate:F1}"));

    private static X509Certificate2 NewKeyPair(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return X509CertificateLoader.LoadPkcs12(request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1)).Export(X509ContentType.Pkcs12), null);
    }

    private static string IdpMetadata(X509Certificate2 idp) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IdpEntityId}">
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(idp.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.bench.example.org/sso"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    private static readonly IReadOnlyList<SamlAttributeValues> Attributes =
    [
        new(SamlAttributeMap.SubjectId.Name, ["k7q2m9x4@bench.example.org"]),
        new(SamlAttributeMap.EduPersonPrincipalName.Name, ["alice@bench.example.org"]),
        new(SamlAttributeMap.Mail.Name, ["alice.liddell@bench.example.org"]),
        new(SamlAttributeMap.DisplayName.Name, ["Alice Liddell"]),
        new(SamlAttributeMap.GivenName.Name, ["Alice"]),
        new(SamlAttributeMap.Surname.Name, ["Liddell"]),
        new(SamlAttributeMap.EduPersonScopedAffiliation.Name, ["member@bench.example.org", "staff@bench.example.org"]),
        new(SamlAttributeMap.EduPersonAssurance.Name, ["https://refeds.org/assurance/IAP/medium"]),
        new(SamlAttributeMap.SchacHomeOrganization.Name, ["bench.example.org"]),
    ];

    /// <summary>The benchmark validates each response many times: replay is not what it measures.</summary>
    private sealed class AcceptEveryAssertion : ISamlReplayCache
    {
        public ValueTask<bool> TryAddAsync(string issuer, string assertionId, DateTimeOffset expiresAt, CancellationToken ct) => ValueTask.FromResult(true);
    }
}
