using System.Security.Cryptography;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Validation;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Tests.Bindings;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Saml.Tests.Logout;

/// <summary>Our SP, one IdP known from metadata, a fake clock, and a way to send messages as the IdP.</summary>
internal sealed class LogoutTestFixture
{
    public const string IdpEntityId = "https://idp.example.org/idp";
    public const string OurSlo = "https://proxy.example.org/saml/slo";

    public static readonly TestKeyPair SpKey = new("sp.example.org");
    public static readonly TestKeyPair IdpKey = new("idp.example.org");
    public static readonly TestKeyPair AttackerKey = new("attacker.example.org");

    public static readonly ServiceProviderSettings Settings = new(
        "https://proxy.example.org/saml/metadata",
        new Uri("https://proxy.example.org/saml/acs"),
        new Uri(OurSlo),
        SpKey.WithPrivateKey,
        []);

    public static readonly IdentityProviderMetadata Idp = new(
        IdpEntityId, [IdpKey.Public], new Uri("https://idp.example.org/sso"), new Uri("https://idp.example.org/slo"), [], "Example IdP");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public IIdentityProviderMetadataProvider IdentityProviders { get; } = new InMemoryIdentityProviders(Idp);

    public string Now => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    /// <summary>Sends <paramref name="xml"/> to our SLO endpoint by HTTP-Redirect, as it arrives there.</summary>
    public static HttpRedirectMessage Receive(SamlMessageKind kind, string xml, TestKeyPair? signer, string? relayState = null) =>
        HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(
            HttpRedirectBinding.Encode(new Uri(OurSlo), kind, xml, relayState, signer?.WithPrivateKey)));

    /// <summary>As <see cref="Receive"/>, but signed with RSA-SHA1 (which our own encoder never writes).</summary>
    public static HttpRedirectMessage ReceiveSignedWithSha1(SamlMessageKind kind, string xml, TestKeyPair signer)
    {
        var query = HttpRedirectBindingTests.QueryOf(HttpRedirectBinding.Encode(new Uri(OurSlo), kind, xml, null, null))
            + "&SigAlg=" + Uri.EscapeDataString(RedirectSignatureAlgorithms.RsaSha1);
        return HttpRedirectBinding.Decode(
            query + "&Signature=" + Uri.EscapeDataString(Convert.ToBase64String(signer.Sign(query, HashAlgorithmName.SHA1))));
    }

    /// <summary>Logout options sharing the login policy under which our IdP may use SHA-1.</summary>
    public static LogoutValidationOptions Sha1AllowedForIdp() => LogoutValidationOptions.SameAs(new SamlValidationOptions
    {
        Policies = new Dictionary<string, IdentityProviderPolicy> { [IdpEntityId] = new(AllowSha1: true) },
    });

    private sealed class InMemoryIdentityProviders(params IdentityProviderMetadata[] known) : IIdentityProviderMetadataProvider
    {
        public ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(known.FirstOrDefault(idp => idp.EntityId == entityId));

        public ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<IdentityProviderMetadata>>(known);
    }
}
