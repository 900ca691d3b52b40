using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AaiProxy.Federation;
using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Trust;
using Microsoft.Extensions.Logging.Abstractions;

// Usage:
//   MetadataBench generate <entities> <aggregate.xml> <signer.pem>
//   MetadataBench load <aggregate.xml> <signer.pem> [--refresh]
return args switch
{
    ["generate", var count, var output, var certificate] => Generate(int.Parse(count, CultureInfo.InvariantCulture), output, certificate),
    ["load", var input, var certificate, .. var rest] => await LoadAsync(input, certificate, refresh: rest is ["--refresh"]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: MetadataBench generate <entities> <aggregate.xml> <signer.pem> | load <aggregate.xml> <signer.pem> [--refresh]");
    return 2;
}

static int Generate(int entities, string output, string certificatePath)
{
    var clock = Stopwatch.StartNew();
    using var signer = GeneratedCertificates.Create("Benchmark federation signer", 2048);
    var now = DateTimeOffset.UtcNow;
    var spec = new AggregateSpec { Entities = entities, ValidUntil = now.AddDays(14), Id = $"_bench-{now:yyyyMMddHHmmss}" };
    var xml = AggregateGenerator.Generate(spec);
    var generated = clock.Elapsed;
    var signed = TransformSigner.Sign(xml, signer);
    File.WriteAllText(output, signed, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    File.WriteAllText(certificatePath, signer.ExportCertificatePem());
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        entities,
        bytes = new FileInfo(output).Length,
        generateSeconds = generated.TotalSeconds,
        signSeconds = (clock.Elapsed - generated).TotalSeconds,
    }));
    return 0;
}

// The host's path: a file source with a pinned certificate behind the federation metadata provider. The first
// RefreshAsync is the load at start; with --refresh a second one reads the file again while the first set is
// held, as the hourly refresh does.
static async Task<int> LoadAsync(string input, string certificatePath, bool refresh)
{
    var source = new FileAggregateSource("bench", input, MetadataTrustAnchor.FromCertificateFile(certificatePath), TimeSpan.FromHours(1));
    using var provider = new FederationMetadataProvider([source], TimeProvider.System, NullLogger<FederationMetadataProvider>.Instance);
    var clock = Stopwatch.StartNew();
    var cpu = CpuSeconds();
    await provider.RefreshAsync();
    var loadSeconds = clock.Elapsed.TotalSeconds;
    var loadCpuSeconds = CpuSeconds() - cpu;
    if (provider.Status[0].LastRejection is { } reason)
    {
        Console.Error.WriteLine($"refused: {reason}: {provider.Status[0].LastError}");
        return 1;
    }

    var steady = SteadyStateBytes();
    double? refreshSeconds = null;
    long? steadyAfterRefresh = null;
    if (refresh)
    {
        var held = provider.Index;
        clock.Restart();
        await provider.RefreshAsync();
        refreshSeconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(held);
        steadyAfterRefresh = SteadyStateBytes();
    }

    var index = provider.Index;
    var queries = new[] { "uni", "göttingen campus 59", "helsinki", "it@campus4242.riga.example.edu", "nothing-like-this" };
    clock.Restart();
    const int rounds = 20;
    for (var round = 0; round < rounds; round++)
    {
        foreach (var query in queries)
        {
            _ = index.Search(query, "en", 20);
        }
    }

    var searchMilliseconds = clock.Elapsed.TotalMilliseconds / (rounds * queries.Length);
    using var self = Process.GetCurrentProcess();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        identityProviders = index.IdentityProviders.Count,
        loadSeconds,
        loadCpuSeconds,
        refreshSeconds,
        steadyStateRssBytes = steady,
        steadyStateRssAfterRefreshBytes = steadyAfterRefresh,
        peakRssBytes = self.PeakWorkingSet64,
        searchMilliseconds,
    }));
    return 0;
}

// The CPU time of the process so far (wall time on a shared machine depends on the neighbours).
static double CpuSeconds()
{
    using var self = Process.GetCurrentProcess();
    return self.TotalProcessorTime.TotalSeconds;
}

// The resident set once garbage is collected and the freed memory given back: what the set costs while held.
static long SteadyStateBytes()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    using var self = Process.GetCurrentProcess();
    return self.WorkingSet64;
}
