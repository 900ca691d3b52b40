using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// Everything one browser login needs, started in an order that works whether the proxy reads IdP
/// metadata at start or later: SimpleSAMLphp first (its metadata file exists before the proxy
/// starts), then the proxy configured with that file, then the proxy's SP metadata handed to
/// SimpleSAMLphp (re-read per request), then Chromium. Built per test rather than as an xUnit
/// class fixture because an xUnit 2 fixture cannot skip a test when a peer is missing.
/// </summary>
internal sealed class SamlLoginStack : IAsyncDisposable
{
    public const string IdentityProviderDisplayName = "SimpleSAMLphp test IdP";

    private readonly ITestOutputHelper output;
    private readonly List<IAsyncDisposable> started = [];
    private bool failed;

    private SamlLoginStack(ITestOutputHelper output, string directory)
    {
        this.output = output;
        Directory = directory;
    }

    public string Directory { get; }

    public SimpleSamlPhpIdp IdentityProvider { get; private set; } = null!;

    public ProxyProcess Proxy { get; private set; } = null!;

    public IPage Page { get; private set; } = null!;

    public static async Task<SamlLoginStack> StartAsync(ITestOutputHelper output, AssertionProtection protection)
    {
        var stack = new SamlLoginStack(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-interop-{Guid.NewGuid():N}"));
        try
        {
            stack.IdentityProvider = stack.Track(await SimpleSamlPhpIdp.StartAsync(output, Path.Combine(stack.Directory, "idp"), protection));
            var configuration = new ProxyConfiguration(
                Port: FreePort.Next(),
                DataDirectory: System.IO.Directory.CreateDirectory(Path.Combine(stack.Directory, "proxy-data")).FullName,
                IdentityProviderMetadataFile: stack.IdentityProvider.MetadataFile,
                IdentityProviderEntityId: stack.IdentityProvider.EntityId,
                IdentityProviderDisplayName: IdentityProviderDisplayName,
                RequireEncryptedAssertions: protection == AssertionProtection.Encrypted);
            stack.Proxy = stack.Track(await ProxyProcess.StartAsync(configuration, Path.Combine(stack.Directory, "proxy.log")));
            await stack.IdentityProvider.PublishServiceProviderMetadataAsync(await stack.Proxy.FetchServiceProviderMetadataAsync());
            var chromium = stack.Track(await Chromium.LaunchAsync(output));
            var context = await chromium.Browser.NewContextAsync();
            context.SetDefaultTimeout(30_000);
            stack.Page = await context.NewPageAsync();
            return stack;
        }
        catch (Exception exception) when (exception is not SkipException)
        {
            stack.failed = true;
            await stack.DisposeAsync();
            throw;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a browser scenario; on failure saves a screenshot and the page's HTML into the test
    /// output folder, keeps the peers' state directory, and names the logs in the exception.
    /// </summary>
    public async Task RunAsync(string scenarioName, Func<IPage, Task> scenario)
    {
        try
        {
            await scenario(Page);
        }
        catch (Exception exception) when (exception is not SkipException)
        {
            failed = true;
            var artifacts = await SaveArtifactsAsync(scenarioName);
            throw new InvalidOperationException(
                $"{scenarioName} failed at {Page.Url}.\nScreenshot and HTML: {artifacts}\n" +
                $"Proxy log: {Proxy.LogFile}\n{ProxyProcess.Tail(Proxy.LogFile)}\n" +
                $"SimpleSAMLphp log: {IdentityProvider.LogFile}\n{ProxyProcess.Tail(IdentityProvider.LogFile, 10)}",
                exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }

        if (failed)
        {
            output.WriteLine($"Kept peer state for diagnosis: {Directory}");
        }
        else if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private T Track<T>(T peer) where T : IAsyncDisposable
    {
        started.Add(peer);
        return peer;
    }

    private async Task<string> SaveArtifactsAsync(string scenarioName)
    {
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(
            Environment.GetEnvironmentVariable("AAIPROXY_TEST_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "TestResults", "interop"),
            $"{scenarioName}-{DateTime.UtcNow:yyyyMMddTHHmmss}")).FullName;
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "page.png"), FullPage = true });
            await File.WriteAllTextAsync(Path.Combine(folder, "page.html"), await Page.ContentAsync());
        }
        catch (PlaywrightException exception)
        {
            output.WriteLine($"Could not save the page: {exception.Message}");
        }

        output.WriteLine($"Failure artifacts: {folder}");
        return folder;
    }
}
