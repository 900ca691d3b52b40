namespace AaiProxy.Interop.Tests.Harness;

/// <summary>The proxy's embedded demo run for real (demo IdP, demo portal, seeded facility) and Chromium;
/// <paramref name="settings"/> adds a test's configuration (for example <c>SmtpSink.ProxySettings</c>).</summary>
internal sealed class DemoStack : BrowserStack
{
    private DemoStack(ITestOutputHelper output, string directory)
        : base(output, directory)
    {
    }

    public static Task<DemoStack> StartAsync(ITestOutputHelper output, IReadOnlyDictionary<string, string>? settings = null)
    {
        var stack = new DemoStack(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-demo-{Guid.NewGuid():N}"));
        return stack.StartedOrDisposedAsync(stack, async () =>
        {
            var configuration = new ProxyConfiguration(FreePort.Next(), stack.ProxyDataDirectory(), Settings: settings);
            stack.Proxy = stack.Track(await ProxyProcess.StartAsync(configuration, stack.ProxyLogFile));
            await stack.OpenBrowserAsync();
        });
    }

    /// <summary>Restarts the proxy on its port and data with these settings added (e.g. a platform admin who signed in on the first run).</summary>
    public Task RestartProxyAsync(IReadOnlyDictionary<string, string> settings) =>
        ReplaceProxyAsync(Proxy.Configuration with
        {
            Settings = new Dictionary<string, string>((Proxy.Configuration.Settings ?? new Dictionary<string, string>()).Concat(settings)),
        }, Path.Combine(Directory, "proxy-restarted.log"));
}
