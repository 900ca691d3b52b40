using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// A browser scenario against a proxy run for real: peers started in order and stopped in reverse,
/// Chromium with one page, and on failure a screenshot, the page's HTML and the logs' tails. Built per
/// test rather than as an xUnit class fixture because an xUnit 2 fixture cannot skip a test when a peer
/// is missing. <see cref="SamlLoginStack"/> adds SimpleSAMLphp; <see cref="DemoStack"/> is the proxy's
/// embedded demo alone.
/// </summary>
internal abstract class BrowserStack(ITestOutputHelper output, string directory) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> started = [];
    private bool failed;

    protected ITestOutputHelper Output { get; } = output;

    public string Directory { get; } = directory;

    public ProxyProcess Proxy { get; protected set; } = null!;

    public IPage Page { get; private set; } = null!;

    /// <summary>A fresh directory for the proxy's database and keys.</summary>
    protected string ProxyDataDirectory() => System.IO.Directory.CreateDirectory(Path.Combine(Directory, "proxy-data")).FullName;

    protected string ProxyLogFile => Path.Combine(Directory, "proxy.log");

    /// <summary>
    /// Stops the proxy and starts it again on the same port and data directory (database, keys: sessions survive) with
    /// <paramref name="configuration"/>, logging to <paramref name="logFile"/>: for settings that name what a first run created.
    /// </summary>
    protected async Task ReplaceProxyAsync(ProxyConfiguration configuration, string logFile)
    {
        started.Remove(Proxy);
        await Proxy.DisposeAsync();
        Proxy = Track(await ProxyProcess.StartAsync(configuration, logFile));
    }

    /// <summary>Starts Chromium with one page; call last.</summary>
    protected async Task OpenBrowserAsync()
    {
        var chromium = Track(await Chromium.LaunchAsync(Output));
        var context = await chromium.Browser.NewContextAsync();
        context.SetDefaultTimeout(30_000);
        Page = await context.NewPageAsync();
    }

    /// <summary>Disposes what was started when starting fails, keeping the state when the failure is not a skip.</summary>
    protected async Task<T> StartedOrDisposedAsync<T>(T stack, Func<Task> start) where T : BrowserStack
    {
        try
        {
            await start();
            return stack;
        }
        catch (Exception exception) when (exception is not SkipException)
        {
            failed = true;
            await DisposeAsync();
            throw;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Other logs worth showing when a scenario fails.</summary>
    protected virtual string DiagnosticLogs() => "";

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
                $"Proxy log: {Proxy.LogFile}\n{ProxyProcess.Tail(Proxy.LogFile)}\n{DiagnosticLogs()}",
                exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }

        started.Clear();
        if (failed)
        {
            Output.WriteLine($"Kept peer state for diagnosis: {Directory}");
        }
        else if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    protected T Track<T>(T peer) where T : IAsyncDisposable
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
            Output.WriteLine($"Could not save the page: {exception.Message}");
        }

        Output.WriteLine($"Failure artifacts: {folder}");
        return folder;
    }
}
