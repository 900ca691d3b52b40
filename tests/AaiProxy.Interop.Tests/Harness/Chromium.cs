using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// Debian's Chromium driven by Playwright for .NET. Playwright never downloads a browser here: the
/// script installs the Debian package, and Playwright is pointed at its executable.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    private readonly IPlaywright playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync(ITestOutputHelper output)
    {
        var printed = await PeerScript.RunAsync(output, "chromium.sh", "install");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = printed.GetValueOrDefault("executable", "/usr/bin/chromium"),
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                ],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
