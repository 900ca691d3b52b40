using AaiProxy.Saml.Attributes;
using System.Text;
using System.Xml;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Mapping;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Validation;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Saml.Tests;

/// <summary>One IdP, one SP, a fake clock and a baseline response that validates; each test tweaks it.</summary>
internal sealed class SamlTestBed
{
    public const string IdpEntityId = "https://idp.example.org/idp/shibboleth";
    public const string SpEntityId = "https://proxy.example.eu/saml/metadata";
    public const string RequestId = "_4f1c2a7e9b0d4e6f8a1b3c5d7e9f0a2b";
    public static readonly Uri Acs = new("https://proxy.example.eu/saml/acs");

    public SamlTestBed()
    {
        ReplayCache = new InMemorySamlReplayCache(Time);
        ServiceProvider = new ServiceProviderSettings(SpEntityId, Acs, new Uri("https://proxy.example.eu/saml/slo"),
            TestKeys.SpEncryption, [TestKeys.SpOldEncryption, TestKeys.SpEncryption]);
        IdentityProvider = new IdentityProviderMetadata(IdpEntityId, [TestKeys.IdpSigning],
            new Uri("https://idp.example.org/idp/profile/SAML2/Redirect/SSO"), null,
            [new ShibbolethScope("example.org", false), new ShibbolethScope(@"[a-z]+\.example\.ac\.uk", true)],
            "Example University");
        Writer = new SamlResponseWriter(IdpEntityId, TestKeys.IdpSigning, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    public ISamlReplayCache ReplayCache { get; set; }

    public ServiceProviderSettings ServiceProvider { get; }

    public IdentityProviderMetadata IdentityProvider { get; set; }

    public SamlValidationOptions Options { get; set; } = new();

    public SamlResponseWriter Writer { get; }

    public static IReadOnlyList<SamlAttributeValues> BaselineAttributes { get; } =
    [
        new(SamlAttributeMap.SubjectId.Name, ["k7q2m9x4@example.org"]),
        new(SamlAttributeMap.EduPersonPrincipalName.Name, ["alice@example.org"]),
        new(SamlAttributeMap.Mail.Name, ["alice.liddell@example.org"]),
        new(SamlAttributeMap.DisplayName.Name, ["Alice Liddell"]),
        new(SamlAttributeMap.GivenName.Name, ["Alice"]),
        new(SamlAttributeMap.Surname.Name, ["Liddell"]),
        new(SamlAttributeMap.EduPersonScopedAffiliation.Name, ["member@example.org", "staff@example.org"]),
        new(SamlAttributeMap.EduPersonAssurance.Name, ["https://refeds.org/assurance/IAP/medium"]),
        new(SamlAttributeMap.EduPersonEntitlement.Name, ["urn:mace:example.org:group:photon:role=member#aai.example.org"]),
        new(SamlAttributeMap.SchacHomeOrganization.Name, ["example.org"]),
    ];

    public static SamlResponseContent Baseline() => new(Acs, SpEntityId, RequestId, "p-7f3a9c21e0", "_session-42",
        "https://refeds.org/profile/mfa", BaselineAttributes);

    public string Write(SamlResponseContent content) => Writer.Write(content);

    public string Write() => Write(Baseline());

    public XmlDocument WriteDocument(SamlResponseContent? content = null) => Load(Write(content ?? Baseline()));

    public SamlResponseValidator Validator() =>
        new(ServiceProvider, new InMemoryIdentityProviderMetadataProvider([IdentityProvider]), ReplayCache, Time, Options);

    public Task<SamlLoginResult> ValidateAsync(string xml, string? expectedInResponseTo = RequestId) =>
        Validator().ValidateAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)), Expect(expectedInResponseTo));

    /// <summary>What the host expects of an answer to <paramref name="inResponseTo"/>: sent to the test IdP, no context demanded.</summary>
    public static SamlResponseExpectations Expect(string? inResponseTo, params string[] requestedContexts) =>
        new(inResponseTo, inResponseTo is null ? null : IdpEntityId, requestedContexts);

    public Task<SamlLoginResult> ValidateAsync(XmlDocument document, string? expectedInResponseTo = RequestId) =>
        ValidateAsync(document.OuterXml, expectedInResponseTo);

    public async Task<SamlValidationException> RejectAsync(string xml, string? expectedInResponseTo = RequestId) =>
        await Assert.ThrowsAsync<SamlValidationException>(() => ValidateAsync(xml, expectedInResponseTo));

    public Task<SamlValidationException> RejectAsync(XmlDocument document, string? expectedInResponseTo = RequestId) =>
        RejectAsync(document.OuterXml, expectedInResponseTo);

    public static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(xml);
        return document;
    }
}

/// <summary>Navigation for building attacks on a loaded response.</summary>
internal static class SamlDocumentExtensions
{
    private static XmlNamespaceManager Namespaces(XmlDocument document)
    {
        var manager = new XmlNamespaceManager(document.NameTable);
        manager.AddNamespace("samlp", SamlNamespaces.Protocol);
        manager.AddNamespace("saml", SamlNamespaces.Assertion);
        manager.AddNamespace("ds", SamlNamespaces.XmlDsig);
        manager.AddNamespace("xenc", SamlNamespaces.XmlEnc);
        return manager;
    }

    public static XmlElement Single(this XmlDocument document, string xpath) =>
        (XmlElement)(document.SelectSingleNode(xpath, Namespaces(document)) ?? throw new InvalidOperationException($"No {xpath}"));

    public static XmlElement Single(this XmlElement element, string xpath) =>
        (XmlElement)(element.SelectSingleNode(xpath, Namespaces(element.OwnerDocument)) ?? throw new InvalidOperationException($"No {xpath}"));

    public static IEnumerable<XmlElement> All(this XmlElement element, string xpath) =>
        element.SelectNodes(xpath, Namespaces(element.OwnerDocument))!.Cast<XmlElement>();

    public static XmlElement Response(this XmlDocument document) => document.DocumentElement!;

    public static XmlElement Assertion(this XmlDocument document) => document.Single("/samlp:Response/saml:Assertion");

    public static XmlElement SignatureOf(this XmlElement element) => element.Single("ds:Signature");

    public static XmlElement AttributeValue(this XmlElement assertion, string name) =>
        assertion.Single($"saml:AttributeStatement/saml:Attribute[@Name='{name}']/saml:AttributeValue");

    public static XmlElement WithoutSignature(this XmlElement element)
    {
        var copy = (XmlElement)element.CloneNode(deep: true);
        copy.RemoveChild(copy.SignatureOf());
        return copy;
    }

    /// <summary>The attacker's edit: make Alice's principal name Mallory's.</summary>
    public static XmlElement Forged(this XmlElement assertion)
    {
        assertion.AttributeValue(SamlAttributeMap.EduPersonPrincipalName.Name).InnerText = "mallory@example.org";
        assertion.AttributeValue(SamlAttributeMap.SubjectId.Name).InnerText = "mallory@example.org";
        return assertion;
    }
}
