using System.Text.Json;

namespace AaiProxy.Tests.Shared;

/// <summary>
/// Configuration keys of the clients tests add. They go after the clients config/demo.json declares, so a new demo
/// client moves none of them: test client 0 is the first index after the demo's own.
/// </summary>
public static class ConfiguredClients
{
    private static readonly Lazy<int> DemoClientCount = new(CountDemoClients);

    /// <summary>The configuration index of test client <paramref name="testClient"/>.</summary>
    public static int Index(int testClient) => DemoClientCount.Value + testClient;

    /// <summary>The key of <paramref name="setting"/> (e.g. <c>RedirectUris:0</c>) of test client <paramref name="testClient"/>.</summary>
    public static string Key(int testClient, string setting) => $"AaiProxy:Clients:{Index(testClient)}:{setting}";

    private static int CountDemoClients()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var demo = Path.Combine(directory.FullName, "config", "demo.json");
            if (File.Exists(Path.Combine(directory.FullName, "AaiProxy.sln")) && File.Exists(demo))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(demo));
                return document.RootElement.GetProperty("AaiProxy").GetProperty("Clients").GetArrayLength();
            }
        }

        throw new InvalidOperationException("config/demo.json of the repository is not above the test binaries.");
    }
}
