using AaiProxy.Interop.Tests.Harness;

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
        Assert.StartsWith("kid\talgorithm\tusage\tstatus\tcreated\tencrypted", keys.Output);
        Assert.Equal(["encryption", "signing"], keys.Rows.Select(row => row[2]).Order());
        Assert.All(keys.Rows, row => Assert.Equal(["active", "yes"], row[3..4].Concat(row[5..6])));
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
    public async Task An_unknown_subcommand_prints_the_usage_and_exits_2()
    {
        var result = await ServerCommand.RunAsync(["keys", "shred"], data.FullName, Environment());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keys list", result.Errors);
        Assert.Equal("", result.Output);
    }
}
