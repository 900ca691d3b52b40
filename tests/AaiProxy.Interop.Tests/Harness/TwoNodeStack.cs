using System.Globalization;
using System.Security.Cryptography;
using AaiProxy.Tests.Shared;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// Issue 20's topology, natively: one PostgreSQL, one Redis, two proxy processes (node A, node B) on loopback ports with
/// the same key-encryption key and pairwise-subject secret, and nginx in front whose origin is the public <c>AaiProxy:Issuer</c>. nginx balances
/// round-robin; a request carrying <see cref="NodeHeader"/> (<c>a</c> or <c>b</c>) goes to that node only, so a test
/// decides where each step of a login lands. nginx's access log names the node (<c>upstream=</c>) of every request.
/// </summary>
internal sealed class TwoNodeStack : BrowserStack
{
    /// <summary>Routes one request to one node (<c>a</c>, <c>b</c>); without it nginx balances round-robin.</summary>
    public const string NodeHeader = "X-Test-Node";

    /// <summary>A confidential code-flow client whose callback the browser never reaches (the test intercepts it).</summary>
    public const string ClientId = "two-node-rp";
    public const string ClientSecret = "two-node-rp-secret";
    public const string RedirectUri = "https://rp.two-node.example/callback";

    private readonly int nginxPort = FreePort.Next();
    private readonly int postgresPort = FreePort.Next();
    private readonly int redisPort = FreePort.Next();

    private TwoNodeStack(ITestOutputHelper output, string directory)
        : base(output, directory)
    {
    }

    public Uri PublicUrl => new($"http://127.0.0.1:{nginxPort}");

    public ProxyProcess NodeA { get; private set; } = null!;

    public ProxyProcess NodeB { get; private set; } = null!;

    public string NginxAccessLog => Path.Combine(Directory, "nginx", "access.log");

    private string RedisDirectory => Path.Combine(Directory, "redis");

    public static Task<TwoNodeStack> StartAsync(ITestOutputHelper output)
    {
        var stack = new TwoNodeStack(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-two-node-{Guid.NewGuid():N}"));
        return stack.StartedOrDisposedAsync(stack, stack.StartPeersAsync);
    }

    private async Task StartPeersAsync()
    {
        var postgres = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "postgres")).FullName;
        await PeerScript.RunAsync(Output, "postgres.sh", "start", postgres, Port(postgresPort));
        Track(new Stopping(() => PeerScript.RunAsync(Output, "postgres.sh", "stop", postgres)));
        await PeerScript.RunAsync(Output, "redis.sh", "start", System.IO.Directory.CreateDirectory(RedisDirectory).FullName, Port(redisPort));
        Track(new Stopping(() => PeerScript.RunAsync(Output, "redis.sh", "stop", RedisDirectory)));

        var kek = Path.Combine(Directory, "kek");
        await File.WriteAllTextAsync(kek, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var pairwiseSecret = Path.Combine(Directory, "pairwise-secret");
        await File.WriteAllBytesAsync(pairwiseSecret, RandomNumberGenerator.GetBytes(32));
        var shared = new Dictionary<string, string>
        {
            ["AaiProxy:Issuer"] = PublicUrl + "",
            ["AaiProxy:Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:AaiProxy"] = $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Database=postgres;Timeout=5",
            // Fails fast while Redis is down (the replay check must refuse at once, not hang).
            ["AaiProxy:Redis:Configuration"] = $"127.0.0.1:{redisPort},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000",
            ["AaiProxy:Keys:EncryptionKeyFile"] = kek,
            // Several nodes refuse to start without one pairwise-subject secret for all (MultiNodeValidation).
            ["AaiProxy:Accounts:PairwiseSecretFile"] = pairwiseSecret,
            ["AaiProxy:ReverseProxy:KnownProxies:0"] = "127.0.0.1",
            ["AaiProxy:RateLimiting:PermitLimit"] = "100000",
            // Each node's own request log ("Request starting HTTP/1.1 POST http://…/saml/acs").
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            [ConfiguredClients.Key(0, "ClientId")] = ClientId,
            [ConfiguredClients.Key(0, "Type")] = "Confidential",
            [ConfiguredClients.Key(0, "ClientSecret")] = ClientSecret,
            [ConfiguredClients.Key(0, "RedirectUris:0")] = RedirectUri,
            [ConfiguredClients.Key(0, "AllowedGrants:0")] = "authorization_code",
            [ConfiguredClients.Key(0, "AllowedGrants:1")] = "refresh_token",
            [ConfiguredClients.Key(0, "AllowedScopes:0")] = "openid",
            [ConfiguredClients.Key(0, "AllowedScopes:1")] = "profile",
            [ConfiguredClients.Key(0, "AllowedScopes:2")] = "offline_access",
            [ConfiguredClients.Key(0, "FacilityInternal")] = "true",
        };

        // Node A first: it migrates the shared database and creates the OpenID keys.
        var dataA = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "node-a")).FullName;
        NodeA = Track(await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), dataA, Settings: shared), Path.Combine(Directory, "node-a.log")));
        Proxy = NodeA;
        await NodeA.FetchServiceProviderMetadataAsync(); // generates the SAML SP key files
        using (var http = new HttpClient { BaseAddress = NodeA.BaseUrl })
        {
            (await http.GetAsync(new Uri("/demo-idp/metadata", UriKind.Relative))).EnsureSuccessStatusCode(); // and the demo IdP's
        }

        // TEMPORARY (until the SAML SP keys move into the database, encrypted — helper "keys"): the SAML SP and demo-IdP
        // keys are files generated per node in its data directory; node B gets node A's, as an operator would copy them.
        // Without this node B's demo IdP refuses node A's AuthnRequests and node B cannot decrypt what was encrypted to A.
        var dataB = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "node-b")).FullName;
        foreach (var keyDirectory in new[] { "saml", "demo-idp" })
        {
            CopyDirectory(Path.Combine(dataA, keyDirectory), Path.Combine(dataB, keyDirectory));
        }

        NodeB = Track(await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), dataB, Settings: shared), Path.Combine(Directory, "node-b.log")));

        var site = Path.Combine(Directory, "site.conf");
        await File.WriteAllTextAsync(site, $$"""
            log_format nodes '$request_method $request_uri status=$status upstream=$upstream_addr';
            upstream both { server 127.0.0.1:{{NodeA.BaseUrl.Port}} max_fails=1 fail_timeout=30s; server 127.0.0.1:{{NodeB.BaseUrl.Port}} max_fails=1 fail_timeout=30s; }
            upstream a { server 127.0.0.1:{{NodeA.BaseUrl.Port}}; }
            upstream b { server 127.0.0.1:{{NodeB.BaseUrl.Port}}; }
            map $http_x_test_node $pool { a a; b b; default both; }
            server {
              listen 127.0.0.1:@PORT@;
              access_log @DIR@/access.log nodes;
              location / {
                proxy_pass http://$pool;
                proxy_set_header Host $http_host;
                proxy_set_header X-Forwarded-For $remote_addr;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_next_upstream error timeout;
                proxy_connect_timeout 2s;
              }
            }
            """);
        var nginx = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "nginx")).FullName;
        await PeerScript.RunAsync(Output, "nginx.sh", "start", nginx, Port(nginxPort), site);
        Track(new Stopping(() => PeerScript.RunAsync(Output, "nginx.sh", "stop", nginx)));
        await OpenBrowserAsync();
    }

    /// <summary>Sends the browser's next requests to one node (<c>"a"</c>, <c>"b"</c>), or round-robin (<c>null</c>).</summary>
    public Task RouteBrowserToAsync(string? node) =>
        Page.SetExtraHTTPHeadersAsync(node is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [NodeHeader] = node });

    /// <summary>An HTTP client to the public origin whose requests go to one node.</summary>
    public HttpClient HttpToNode(string node, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = PublicUrl;
        http.Timeout = TimeSpan.FromSeconds(30);
        http.DefaultRequestHeaders.Add(NodeHeader, node);
        return http;
    }

    /// <summary>The lines of nginx's access log: <c>METHOD URI status=N upstream=127.0.0.1:PORT</c>.</summary>
    public IReadOnlyList<string> NginxRequests()
    {
        using var stream = new FileStream(NginxAccessLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static string Upstream(ProxyProcess node) => $"upstream=127.0.0.1:{node.BaseUrl.Port}";

    public Task StopRedisAsync() => PeerScript.RunAsync(Output, "redis.sh", "stop", RedisDirectory);

    public Task StartRedisAsync() => PeerScript.RunAsync(Output, "redis.sh", "start", RedisDirectory, Port(redisPort));

    public Task RestartRedisAsync() => PeerScript.RunAsync(Output, "redis.sh", "restart", RedisDirectory, Port(redisPort));

    protected override string DiagnosticLogs() =>
        $"Node B log: {NodeB?.LogFile}\n{(NodeB is null ? "" : ProxyProcess.Tail(NodeB.LogFile, 20))}\nnginx: {NginxAccessLog}";

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>Runs a peer script's stop when the stack is disposed (in reverse order of starting).</summary>
    private sealed class Stopping(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }
}
