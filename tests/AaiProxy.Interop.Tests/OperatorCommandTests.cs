using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Interop.Tests;

/// <summary>Issue 20: operator subcommands of the real server executable, on the state a real run left behind.</summary>
public sealed class OperatorCommandTests : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("aaiproxy-operator-");

    public void Dispose() => data.Delete(recursive: true);

    private Dictionary<string, string> Environment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["AaiProxy__DataDirectory"] = data.FullName,
        ["AaiProxy__Demo__Enabled"] = "true",
    };

    [Fact]
    public async Task Keys_and_clients_list_what_the_server_provisioned_without_printing_a_private_key()
    {
        await using (var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data.FullName), Path.Combine(data.FullName, "proxy.log")))
        {
            // Started: keys generated, demo clients seeded.
        }

        var keys = await ServerCommand.RunAsync(["keys", "list"], data.FullName, Environment());
        var clients = await ServerCommand.RunAsync(["clients", "list"], data.FullName, Environment());

        Assert.True(keys.ExitCode == 0, keys.Errors);
        Assert.StartsWith("kid\talgorithm\tusage\tstatus\tcreated\tencrypted\tversion\tactivates\tretires", keys.Output);
        Assert.Contains(keys.Rows, row => row[2] == "signing");
        Assert.Contains(keys.Rows, row => row[2] == "encryption");
        Assert.All(keys.Rows, row => Assert.Equal(["active", "yes", "1", ""], row[3..4].Concat(row[5..7]).Concat(row[8..9])));
        Assert.DoesNotContain("PRIVATE KEY", keys.Output + keys.Errors);
        Assert.True(clients.ExitCode == 0, clients.Errors);
        Assert.Contains(clients.Rows, row => row[0] == "demo-portal" && row[1] == "public" && row[2].Contains("/demo/portal/callback", StringComparison.Ordinal));
        Assert.Contains(clients.Rows, row => row[0] == "demo-service" && row[1] == "confidential");
    }

    [Fact]
    public async Task Metadata_status_loads_every_source_and_fails_when_one_cannot_be_loaded()
    {
        var environment = Environment();
        environment["AaiProxy__Saml__Federations__0__Name"] = "broken";
        environment["AaiProxy__Saml__Federations__0__AggregateFile"] = Path.Combine(data.FullName, "aggregate.xml");
        environment["AaiProxy__Saml__Federations__0__TrustAnchorSha256Fingerprint"] = string.Concat(Enumerable.Repeat("AB", 32));
        await File.WriteAllTextAsync(Path.Combine(data.FullName, "aggregate.xml"), "<EntitiesDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>");

        var status = await ServerCommand.RunAsync(["metadata", "status"], data.FullName, environment);

        Assert.Equal(1, status.ExitCode);
        var row = Assert.Single(status.Rows, row => row[0] == "broken");
        Assert.Equal(["broken", "no", "0"], row[..3]);
        Assert.False(string.IsNullOrWhiteSpace(row[6]), "the reason is printed");
    }

    [Fact]
    public async Task Metadata_refresh_records_the_request_for_every_node_as_the_operator_and_prints_the_state()
    {
        var environment = Environment();
        environment["AaiProxy__Saml__Federations__0__Name"] = "broken";
        environment["AaiProxy__Saml__Federations__0__AggregateFile"] = Path.Combine(data.FullName, "aggregate.xml");
        environment["AaiProxy__Saml__Federations__0__TrustAnchorSha256Fingerprint"] = string.Concat(Enumerable.Repeat("AB", 32));
        await File.WriteAllTextAsync(Path.Combine(data.FullName, "aggregate.xml"), "<EntitiesDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>");
        var migrated = await ServerCommand.RunAsync(["migrate"], data.FullName, environment);
        Assert.True(migrated.ExitCode == 0, migrated.Errors);

        var refresh = await ServerCommand.RunAsync(["metadata", "refresh"], data.FullName, environment);
        var audit = await ServerCommand.RunAsync(["audit", "export"], data.FullName, environment);

        // The state is printed as metadata status prints it: the broken source fails the command.
        Assert.Equal(1, refresh.ExitCode);
        Assert.StartsWith("source\tloaded\tidentity_providers", refresh.Output);
        Assert.Equal(["broken", "no", "0"], Assert.Single(refresh.Rows, row => row[0] == "broken")[..3]);
        var request = Assert.Single(audit.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement),
            entry => entry.GetProperty("action").GetString() == "metadata.refresh_requested");
        Assert.Equal("system:operator", request.GetProperty("actor").GetString());
        Assert.Equal("federation-metadata", request.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Accounts_show_finds_a_person_by_email_and_suspend_ends_their_access_audited_as_the_operator()
    {
        var settings = new Dictionary<string, string> { ["AaiProxy:Registration:Mode"] = "Automatic" };
        var environment = Environment();
        environment["AaiProxy__Registration__Mode"] = "Automatic";
        DateTimeOffset beforeSuspension;
        await using (var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data.FullName, Settings: settings), Path.Combine(data.FullName, "proxy.log")))
        {
            await SignInThroughTheDemoPortalAsync(proxy.BaseUrl, "bob");
            beforeSuspension = DateTimeOffset.UtcNow;
        }

        var shown = await ServerCommand.RunAsync(["accounts", "show", "BOB@institute.example.net"], data.FullName, environment);
        Assert.True(shown.ExitCode == 0, shown.Errors);
        Assert.StartsWith("field\tvalue", shown.Output);
        var id = Assert.Single(shown.Rows, row => row[0] == "id")[1];
        Assert.Equal("active", Assert.Single(shown.Rows, row => row[0] == "status")[1]);
        Assert.Contains(shown.Rows, row => row[0] == "link" && row[1].Contains("bob@institute.example.net", StringComparison.Ordinal));

        var suspended = await ServerCommand.RunAsync(["accounts", "suspend", id], data.FullName, environment);
        var again = await ServerCommand.RunAsync(["accounts", "suspend", id], data.FullName, environment);
        var unknown = await ServerCommand.RunAsync(["accounts", "show", "nobody@example.org"], data.FullName, environment);
        var after = await ServerCommand.RunAsync(["accounts", "show", id], data.FullName, environment);
        var audit = await ServerCommand.RunAsync(["audit", "export", "--since", beforeSuspension.ToString("O"), "--format", "jsonl"], data.FullName, environment);
        var everything = await ServerCommand.RunAsync(["audit", "export"], data.FullName, environment);

        Assert.True(suspended.ExitCode == 0, suspended.Errors);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("only an active account can be suspended", again.Errors);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("suspended", Assert.Single(after.Rows, row => row[0] == "status")[1]);
        Assert.True(audit.ExitCode == 0, audit.Errors);
        var events = audit.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var suspension = Assert.Single(events, entry => entry.GetProperty("action").GetString() == "account.suspended");
        Assert.Equal("system:operator", suspension.GetProperty("actor").GetString());
        Assert.Contains(id, suspension.GetProperty("target").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(events, entry => entry.GetProperty("action").GetString() == "account.created");
        // Without --since the account's creation at the login is there too, before its suspension.
        var actions = everything.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("action").GetString()).ToList();
        Assert.True(actions.IndexOf("account.created") is >= 0 and var created && created < actions.IndexOf("account.suspended"), string.Join(", ", actions));
    }

    [Fact]
    public async Task Audit_export_refuses_an_unknown_format_and_a_time_it_cannot_read()
    {
        var csv = await ServerCommand.RunAsync(["audit", "export", "--format", "csv"], data.FullName, Environment());
        var since = await ServerCommand.RunAsync(["audit", "export", "--since", "yesterday"], data.FullName, Environment());

        Assert.Equal(2, csv.ExitCode);
        Assert.Equal(2, since.ExitCode);
        Assert.Contains("--since", since.Errors);
        Assert.Equal("", csv.Output + since.Output);
    }

    [Fact]
    public async Task Keys_rotate_and_import_store_published_successors_audited_as_the_operator_that_the_restarted_server_serves()
    {
        await using (var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data.FullName), Path.Combine(data.FullName, "proxy.log")))
        {
            // Started: the provider's keys exist.
        }

        var before = DateTimeOffset.UtcNow;
        var rotated = await ServerCommand.RunAsync(["keys", "rotate"], data.FullName, Environment());
        Assert.True(rotated.ExitCode == 0, rotated.Errors);
        Assert.StartsWith("kid\tusage\tversion\tactivates", rotated.Output);
        Assert.Equal(["encryption", "signing"], rotated.Rows.Select(row => row[1]).Order());
        Assert.All(rotated.Rows, row => Assert.True(row[2] == "2" && DateTimeOffset.Parse(row[3]) > before.AddDays(1), string.Join(' ', row))); // after PublishAhead
        var successor = Assert.Single(rotated.Rows, row => row[1] == "signing")[0];
        var listed = await ServerCommand.RunAsync(["keys", "list"], data.FullName, Environment());
        Assert.Equal("pending", Assert.Single(listed.Rows, row => row[0] == successor)[3]);
        Assert.NotEqual("", Assert.Single(listed.Rows, row => row[2] == "signing" && row[6] == "1")[8]); // the old key retires

        // --now brings the waiting successor forward instead of storing another.
        var now = await ServerCommand.RunAsync(["keys", "rotate", "--now"], data.FullName, Environment());
        Assert.True(now.ExitCode == 0, now.Errors);
        Assert.Equal(successor, Assert.Single(now.Rows, row => row[1] == "signing")[0]);
        Assert.Equal("active", Assert.Single((await ServerCommand.RunAsync(["keys", "list"], data.FullName, Environment())).Rows, row => row[0] == successor)[3]);

        // Imports: an OpenID signing key from PEM, a SAML signing key with its certificate from a password-protected PKCS#12.
        using var rsa = RSA.Create(2048);
        var pem = Path.Combine(data.FullName, "signing.pem");
        await File.WriteAllTextAsync(pem, rsa.ExportPkcs8PrivateKeyPem());
        using var samlKey = RSA.Create(2048);
        using var samlCertificate = new CertificateRequest("CN=imported SAML signing", samlKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        var pkcs12 = Path.Combine(data.FullName, "saml.p12");
        await File.WriteAllBytesAsync(pkcs12, samlCertificate.Export(X509ContentType.Pkcs12, "import password"));
        var passwordFile = Path.Combine(data.FullName, "saml.password");
        await File.WriteAllTextAsync(passwordFile, "import password\n");

        var importedSigning = await ServerCommand.RunAsync(["keys", "import", "--file", pem, "--usage", "signing", "--now"], data.FullName, Environment());
        var importedSaml = await ServerCommand.RunAsync(["keys", "import", "--file", pkcs12, "--password-file", passwordFile, "--usage", "saml-signing", "--now"],
            data.FullName, Environment());
        var wrongPassword = await ServerCommand.RunAsync(["keys", "import", "--file", pkcs12, "--usage", "saml-signing"], data.FullName, Environment());
        var noCertificate = await ServerCommand.RunAsync(["keys", "import", "--file", pem, "--usage", "saml-signing"], data.FullName, Environment());
        var unknownUsage = await ServerCommand.RunAsync(["keys", "rotate", "--usage", "everything"], data.FullName, Environment());
        var noPasswordFile = await ServerCommand.RunAsync(["keys", "import", "--file", pkcs12, "--password-file", passwordFile + ".missing"], data.FullName, Environment());

        Assert.True(importedSigning.ExitCode == 0, importedSigning.Errors);
        Assert.True(importedSaml.ExitCode == 0, importedSaml.Errors);
        var importedKid = Assert.Single(importedSigning.Rows)[0];
        Assert.Equal("saml-signing", Assert.Single(importedSaml.Rows)[1]);
        Assert.Equal(1, wrongPassword.ExitCode);
        Assert.Contains("holds no usable private key", wrongPassword.Errors);
        Assert.Equal(1, noCertificate.ExitCode);
        Assert.Contains("with its certificate", noCertificate.Errors);
        Assert.Equal(2, unknownUsage.ExitCode);
        Assert.Equal(1, noPasswordFile.ExitCode);
        Assert.Contains("does not exist", noPasswordFile.Errors);

        var audit = await ServerCommand.RunAsync(["audit", "export", "--since", before.ToString("O")], data.FullName, Environment());
        var events = audit.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Select(entry => (Action: entry.GetProperty("action").GetString(), Actor: entry.GetProperty("actor").GetString(), Target: entry.GetProperty("target").GetString()))
            .ToList();
        Assert.Contains(("key.created", "system:operator", successor), events);
        Assert.Contains(("key.activated", "system:operator", successor), events);
        Assert.Contains(("key.imported", "system:operator", importedKid), events);
        Assert.Equal(2, events.Count(entry => entry is { Action: "key.imported", Actor: "system:operator" }));

        // The restarted server signs with the imported key and its SP metadata carries the imported certificate.
        await using (var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data.FullName), Path.Combine(data.FullName, "proxy-2.log")))
        {
            using var http = new HttpClient { BaseAddress = proxy.BaseUrl };
            var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks")).RootElement.GetProperty("keys").EnumerateArray()
                .Select(key => key.GetProperty("kid").GetString()).ToList();
            Assert.Equal(importedKid, jwks[0]);
            Assert.Contains(successor, jwks);
            Assert.Contains(Convert.ToBase64String(samlCertificate.RawData), await http.GetStringAsync("/saml/metadata"));
        }
    }

    [Fact]
    public async Task Clients_add_registers_from_a_json_file_and_rotate_secret_replaces_its_secret_audited_as_the_operator()
    {
        await using (await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data.FullName), Path.Combine(data.FullName, "proxy.log")))
        {
            // Started: migrated, keys generated, the demo's clients and resources declared.
        }

        var registration = Path.Combine(data.FullName, "registration.json");
        await File.WriteAllTextAsync(registration, """
            {"client_id": "operator-service", "client_name": "Registered at the command line", "grant_types": ["client_credentials"],
             "scopes": ["eduperson_entitlement"], "resources": ["https://data-catalogue.demo.aaiproxy.example.org/"]}
            """);
        var badRegistration = Path.Combine(data.FullName, "bad.json");
        await File.WriteAllTextAsync(badRegistration, """
            {"client_id": "operator-web", "client_type": "public", "grant_types": ["authorization_code"], "redirect_uris": ["https://web.example.org/cb#x"]}
            """);

        var added = await ServerCommand.RunAsync(["clients", "add", registration], data.FullName, Environment());
        var refused = await ServerCommand.RunAsync(["clients", "add", badRegistration], data.FullName, Environment());
        var rotated = await ServerCommand.RunAsync(["clients", "rotate-secret", "operator-service"], data.FullName, Environment());
        var declared = await ServerCommand.RunAsync(["clients", "rotate-secret", "demo-service"], data.FullName, Environment());
        var audit = await ServerCommand.RunAsync(["audit", "export"], data.FullName, Environment());

        Assert.True(added.ExitCode == 0, added.Errors);
        Assert.StartsWith("client_id\tclient_secret", added.Output);
        var (clientId, firstSecret) = (added.Rows.Single()[0], added.Rows.Single()[1]);
        Assert.Equal("operator-service", clientId);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("redirect_uris (invalid_redirect_uri)", refused.Errors);
        Assert.True(rotated.ExitCode == 0, rotated.Errors);
        var secondSecret = rotated.Rows.Single()[1];
        Assert.NotEqual(firstSecret, secondSecret);
        Assert.Equal(1, declared.ExitCode);
        Assert.Contains("managed by configuration", declared.Errors);
        var events = audit.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(entry => entry.GetProperty("target").GetString() == clientId).ToList();
        Assert.Equal(["client.created", "client.secret_rotated"], events.Select(entry => entry.GetProperty("action").GetString()));
        Assert.All(events, entry => Assert.Equal("system:operator", entry.GetProperty("actor").GetString()));
        Assert.DoesNotContain(firstSecret, audit.Output);
        Assert.DoesNotContain(secondSecret, audit.Output);

        await using var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data.FullName), Path.Combine(data.FullName, "proxy2.log"));
        using var http = new HttpClient { BaseAddress = proxy.BaseUrl };
        async Task<HttpStatusCode> TokenAsync(string secret)
        {
            using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "eduperson_entitlement",
            }));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await TokenAsync(firstSecret));
        Assert.Equal(HttpStatusCode.OK, await TokenAsync(secondSecret));
    }

    /// <summary>The demo portal's code flow up to the callback: the person's account exists from then on.</summary>
    private static async Task SignInThroughTheDemoPortalAsync(Uri baseUrl, string user)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseUrl };
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var redirectUri = new Uri(baseUrl, "/demo/portal/callback").ToString();
        var authorize = $"/connect/authorize?client_id=demo-portal&response_type=code&scope=openid&state=s&code_challenge_method=S256&code_challenge={challenge}&redirect_uri={Uri.EscapeDataString(redirectUri)}";
        using var start = await browser.GetAsync(authorize);
        Assert.True(start.StatusCode == HttpStatusCode.Redirect, $"/connect/authorize answered {(int)start.StatusCode}");
        var next = await UpstreamLogin.SignInAsync(browser, new Uri(baseUrl, start.Headers.Location!), user);
        using var back = await browser.GetAsync(next);
        Assert.StartsWith(redirectUri, back.Headers.Location?.ToString() ?? "");
    }

    [Fact]
    public async Task An_unknown_subcommand_prints_the_usage_and_exits_2()
    {
        var result = await ServerCommand.RunAsync(["keys", "shred"], data.FullName, Environment());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keys list", result.Errors);
        Assert.Equal("", result.Output);
    }
}
