using AaiProxy.Federation.Generation;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Federation.Tests.Generation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Tests.Trust;

/// <summary>Runs only where xmlsec1 exists; with CI=true a missing xmlsec1 fails instead of skipping.</summary>
public sealed class Xmlsec1FactAttribute : FactAttribute
{
    public Xmlsec1FactAttribute()
    {
        if (!File.Exists(Xmlsec1.Path) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "xmlsec1 is not installed (apt-get install -y xmlsec1); with CI=true this test fails instead.";
        }
    }
}

/// <summary>libxmlsec1's command line as an independent verifier and signer of metadata.</summary>
internal sealed class Xmlsec1 : IDisposable
{
    public const string Path = "/usr/bin/xmlsec1";
    private const string IdAttribute = "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("aaiproxy-xmlsec1-");
    private int _files;

    public void Dispose() => _work.Delete(recursive: true);

    public async Task<bool> VerifiesAsync(string xml, X509Certificate2 certificate)
    {
        var certificatePath = await WriteAsync(certificate.ExportCertificatePem());
        var input = await WriteAsync(xml);
        var (exitCode, _) = await RunAsync("--verify", "--pubkey-cert-pem", certificatePath, "--id-attr:ID", IdAttribute, input);
        return exitCode == 0;
    }

    /// <summary>Fills the empty signature template in <paramref name="template"/> with the signer's key.</summary>
    public async Task<string> SignAsync(string template, X509Certificate2 signer)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)signer.GetECDsaPrivateKey() ?? signer.GetRSAPrivateKey()!;
        var keyPath = await WriteAsync(key.ExportPkcs8PrivateKeyPem());
        var certificatePath = await WriteAsync(signer.ExportCertificatePem());
        var input = await WriteAsync(template);
        var output = System.IO.Path.Combine(_work.FullName, $"signed-{_files++}.xml");
        var (exitCode, errors) = await RunAsync("--sign", "--privkey-pem", $"{keyPath},{certificatePath}", "--id-attr:ID", IdAttribute,
            "--output", output, input);
        Assert.True(exitCode == 0, $"xmlsec1 --sign failed ({exitCode}): {errors}");
        return await File.ReadAllTextAsync(output);
    }

    /// <summary>An empty MAPS-profile signature for <c>--sign</c> to fill in, optionally with an
    /// InclusiveNamespaces PrefixList on the reference's or SignedInfo's exclusive canonicalization.</summary>
    public static string SignatureTemplate(string id, string signatureMethod = XmlSecurityAlgorithms.RsaSha256,
        string? transformPrefixList = null, string? signedInfoPrefixList = null) => $"""
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
        {SignatureMarkup.ExclusiveC14n("CanonicalizationMethod", signedInfoPrefixList)}
        <ds:SignatureMethod Algorithm="{signatureMethod}"/>
        <ds:Reference URI="#{id}"><ds:Transforms>
        <ds:Transform Algorithm="{XmlSecurityAlgorithms.EnvelopedSignature}"/>
        {SignatureMarkup.ExclusiveC14n("Transform", transformPrefixList)}
        </ds:Transforms><ds:DigestMethod Algorithm="{XmlSecurityAlgorithms.Sha256}"/><ds:DigestValue/></ds:Reference>
        </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """;

    private async Task<string> WriteAsync(string content)
    {
        var path = System.IO.Path.Combine(_work.FullName, $"file-{_files++}");
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Path), "xmlsec1 is required when CI=true");
        var start = new ProcessStartInfo(Path) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await errors);
    }
}
