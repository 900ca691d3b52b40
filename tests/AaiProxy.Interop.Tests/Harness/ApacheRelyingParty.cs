using System.Globalization;
using AaiProxy.Tests.Shared;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// A throwaway Apache httpd with mod_auth_openidc (tests/peers/apache-oidc.sh) protecting <c>/protected/</c> with
/// <c>Require claim eduperson_entitlement:…</c>. Its port is chosen before the proxy starts, so that the proxy can be
/// configured with its client (<see cref="ClientSettings"/>); it starts after the proxy (it reads the discovery
/// document at its first request).
/// </summary>
internal sealed class ApacheRelyingParty : IAsyncDisposable
{
    public const string ClientId = "apache-rp";

    private readonly ITestOutputHelper output;
    private readonly string directory;
    private bool started;
    private bool passed;

    public ApacheRelyingParty(ITestOutputHelper output, string directory)
    {
        this.output = output;
        this.directory = System.IO.Directory.CreateDirectory(directory).FullName;
        Port = FreePort.Next();
        SecretFile = Path.Combine(this.directory, "client-secret");
        File.WriteAllText(SecretFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
    }

    public int Port { get; }

    public string SecretFile { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public Uri ProtectedUrl => new(BaseUrl, "/protected/");

    public Uri RedirectUri => new(BaseUrl, "/protected/redirect_uri");

    public Uri LoggedOutUrl => new(BaseUrl, "/loggedout.html");

    /// <summary>Apache's own logout: ends its session and sends the browser to the proxy's end-session endpoint.</summary>
    public string LogoutUrl => RedirectUri + "?logout=" + Uri.EscapeDataString(LoggedOutUrl.ToString());

    public string ErrorLog => Path.Combine(directory, "error.log");

    /// <summary>The proxy's client for this Apache (the first test client after the demo's): code flow with PKCE
    /// (Apache sends S256), the demo facility's group claims, Apache's logout page, its back-channel logout endpoint.</summary>
    public IReadOnlyDictionary<string, string> ClientSettings()
    {
        var prefix = ConfiguredClients.Key(0, "");
        return new Dictionary<string, string>
        {
            [prefix + "ClientId"] = ClientId,
            [prefix + "DisplayName"] = "Apache httpd (mod_auth_openidc)",
            [prefix + "Type"] = "Confidential",
            // A facility's own web server: no release notice, so the browser goes straight back to Apache.
            [prefix + "FacilityInternal"] = "true",
            [prefix + "ClientSecretFile"] = SecretFile,
            [prefix + "RedirectUris:0"] = RedirectUri.ToString(),
            [prefix + "PostLogoutRedirectUris:0"] = LoggedOutUrl.ToString(),
            [prefix + "AllowedGrants:0"] = "authorization_code",
            [prefix + "AllowedScopes:0"] = "openid",
            [prefix + "AllowedScopes:1"] = "profile",
            [prefix + "AllowedScopes:2"] = "eduperson_entitlement",
            [prefix + "Groups:Facilities:0"] = "demo",
            [prefix + "BackChannelLogoutUri"] = RedirectUri + "?logout=backchannel",
        };
    }

    public async Task StartAsync(Uri issuer, string requiredEntitlement)
    {
        await PeerScript.RunAsync(output, "apache-oidc.sh", "start", directory, Port.ToString(CultureInfo.InvariantCulture),
            issuer.ToString(), ClientId, SecretFile, requiredEntitlement);
        started = true;
    }

    /// <summary>The scenario succeeded: Apache's state directory is removed at disposal (else kept for diagnosis).</summary>
    public void MarkPassed() => passed = true;

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            await PeerScript.RunAsync(output, "apache-oidc.sh", "stop", directory);
        }

        if (passed)
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        else
        {
            output.WriteLine($"Kept Apache's state for diagnosis: {directory}");
        }
    }
}
