using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// Issue 20: the SAML SP's keys rotate like the OpenID provider's, when an operator says so. The successor is in the SP
/// metadata (beside the current key) before it is used; then requests are signed with it and IdPs are told to encrypt to
/// it, while the replaced decryption key still decrypts what an IdP encrypted to it until the overlap ends.
/// </summary>
public sealed class ServiceProviderKeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan PublishAhead = TimeSpan.FromDays(14);
    private static readonly TimeSpan Overlap = TimeSpan.FromDays(14);

    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private TestDatabase database = null!;
    private FakeClockProxyFactory proxy = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        proxy = new FakeClockProxyFactory(database, time, new Dictionary<string, string>
        {
            ["AaiProxy:Keys:Rotation:SamlPublishAhead"] = PublishAhead.ToString(),
            ["AaiProxy:Keys:Rotation:SamlOverlap"] = Overlap.ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Metadata_publishes_the_successor_ahead_then_it_signs_and_the_old_decryption_key_decrypts_until_the_overlap_ends()
    {
        var (signing, encryption) = await MetadataKeysAsync();
        var oldSigning = Assert.Single(signing);
        var oldEncryption = Assert.Single(encryption);

        // An operator rotates: both successors are published, the current keys still sign and receive.
        var next = proxy.Services.GetRequiredService<KeyRotation>().Rotate(KeyUse.Saml, immediately: false, AuditActors.Operator);
        Assert.Equal([ServerKeyUsage.SamlSigning, ServerKeyUsage.SamlDecryption], next.Select(key => key.Usage));
        (signing, encryption) = await MetadataKeysAsync();
        Assert.Equal(2, signing.Count);
        Assert.Equal(2, encryption.Count);
        Assert.Equal(oldSigning, signing[0]);
        Assert.Equal(oldEncryption, encryption[0]);
        var newSigning = signing[1];
        var newEncryption = encryption[1];
        Assert.True(SignedWith(await LoginRequestAsync(), oldSigning));
        await SignInAsync(); // the demo IdP encrypts to the current key

        // The successors' time comes: requests are signed with the new key, IdPs are told only the new encryption key.
        time.Advance(PublishAhead);
        Assert.Equal(2, proxy.RunRotationRound());
        (signing, encryption) = await MetadataKeysAsync();
        Assert.Equal([newSigning], signing);
        Assert.Equal([newEncryption], encryption);
        var request = await LoginRequestAsync();
        Assert.True(SignedWith(request, newSigning));
        Assert.False(SignedWith(request, oldSigning));
        await SignInAsync(); // encrypted to the new key

        // An IdP that still encrypts to the old key is understood during the overlap…
        using (var accepted = await PostEncryptedForAsync(oldEncryption))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        // …and no longer after it.
        time.Advance(Overlap);
        Assert.Equal(2, proxy.RunRotationRound());
        using (var refused = await PostEncryptedForAsync(oldEncryption))
        {
            var page = await ReadFailurePageAsync(refused);
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            LogLine(proxy, page.CorrelationId, "response rejected with DecryptionFailed");
        }

        var events = await KeyEventsAsync();
        Assert.Equal(2, events.Count(entry => entry is { Action: AuditActions.KeyCreated, Actor: AuditActors.Operator }));
        Assert.Equal(2, events.Count(entry => entry is { Action: AuditActions.KeyActivated, Actor: AuditActors.KeyRotation }));
        Assert.Equal(2, events.Count(entry => entry is { Action: AuditActions.KeyRetired, Actor: AuditActors.KeyRotation }));
        Assert.Contains(events, entry => entry.Action == AuditActions.KeyCreated && entry.Details.Contains("\"usage\":\"saml-decryption\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotating_now_signs_with_the_new_key_at_once_and_keeps_the_old_decryption_key_for_the_overlap()
    {
        var (_, encryption) = await MetadataKeysAsync();
        var oldEncryption = Assert.Single(encryption);

        proxy.Services.GetRequiredService<KeyRotation>().Rotate(KeyUse.Saml, immediately: true, AuditActors.Operator);

        var (signing, published) = await MetadataKeysAsync();
        var newSigning = Assert.Single(signing);
        Assert.NotEqual(oldEncryption, Assert.Single(published));
        Assert.True(SignedWith(await LoginRequestAsync(), newSigning));
        using var accepted = await PostEncryptedForAsync(oldEncryption);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
    }

    /// <summary>The certificates of the metadata's signing and encryption KeyDescriptors, in document order.</summary>
    private async Task<(List<X509Certificate2> Signing, List<X509Certificate2> Encryption)> MetadataKeysAsync()
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(await proxy.CreateClient().GetStringAsync("/saml/metadata"));
        var descriptors = document.GetElementsByTagName("KeyDescriptor", SamlNamespaces.Metadata).Cast<XmlElement>().ToList();
        List<X509Certificate2> Of(string use) => [.. descriptors.Where(descriptor => descriptor.GetAttribute("use") == use)
            .Select(descriptor => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(
                descriptor.GetElementsByTagName("X509Certificate", SamlNamespaces.XmlDsig).Cast<XmlElement>().Single().InnerText)))];
        return (Of("signing"), Of("encryption"));
    }

    /// <summary>The AuthnRequest the proxy redirects a browser with to the demo IdP.</summary>
    private async Task<HttpRedirectMessage> LoginRequestAsync() =>
        HttpRedirectBinding.Decode((await LoginPageAsync(proxy.CreateBrowser())).Query.TrimStart('?'));

    private static bool SignedWith(HttpRedirectMessage message, X509Certificate2 certificate)
    {
        try
        {
            message.VerifySignature([certificate]);
            return true;
        }
        catch (SamlBindingException)
        {
            return false;
        }
    }

    /// <summary>A whole login through the demo IdP (which checks our request's signature and encrypts to our current key).</summary>
    private async Task SignInAsync()
    {
        var browser = proxy.CreateBrowser();
        using var consumed = await UpstreamLogin.PostToAcsAsync(browser, await ObtainResponseAsync(browser, "alice"));
        Assert.True(consumed.StatusCode == HttpStatusCode.Redirect, await consumed.Content.ReadAsStringAsync());
    }

    /// <summary>The demo IdP's answer to a fresh request, encrypted for <paramref name="certificate"/>, posted to the ACS.</summary>
    private async Task<HttpResponseMessage> PostEncryptedForAsync(X509Certificate2 certificate)
    {
        var browser = proxy.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "alice");
        var response = IssuedByTheDemoIdentityProvider(proxy, form.ResponseXml(), encryptFor: certificate);
        return await UpstreamLogin.PostToAcsAsync(browser, form.WithResponse(response));
    }

    private async Task<List<AuditEventEntity>> KeyEventsAsync()
    {
        await using var scope = proxy.Services.CreateAsyncScope();
        var usages = (await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().ServerKeys.AsNoTracking().ToListAsync())
            .Where(key => key.Usage is ServerKeyUsage.SamlSigning or ServerKeyUsage.SamlDecryption).Select(key => key.Id).ToHashSet();
        return [.. (await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking().ToListAsync())
            .Where(entry => usages.Contains(entry.Target))];
    }
}
