namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// Everything one browser login through SimpleSAMLphp needs, started in an order that works whether the
/// proxy reads IdP metadata at start or later: SimpleSAMLphp first (its metadata file exists before the
/// proxy starts), then the proxy configured with that file, then the proxy's SP metadata handed to
/// SimpleSAMLphp (re-read per request), then Chromium.
/// </summary>
internal sealed class SamlLoginStack : BrowserStack
{
    public const string IdentityProviderDisplayName = "SimpleSAMLphp test IdP";

    private SamlLoginStack(ITestOutputHelper output, string directory)
        : base(output, directory)
    {
    }

    public SimpleSamlPhpIdp IdentityProvider { get; private set; } = null!;

    public static Task<SamlLoginStack> StartAsync(ITestOutputHelper output, AssertionProtection protection)
    {
        var stack = new SamlLoginStack(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-interop-{Guid.NewGuid():N}"));
        return stack.StartedOrDisposedAsync(stack, async () =>
        {
            stack.IdentityProvider = stack.Track(await SimpleSamlPhpIdp.StartAsync(output, Path.Combine(stack.Directory, "idp"), protection));
            var configuration = new ProxyConfiguration(
                Port: FreePort.Next(),
                DataDirectory: stack.ProxyDataDirectory(),
                Upstream: new SamlUpstream(
                    MetadataFile: stack.IdentityProvider.MetadataFile,
                    EntityId: stack.IdentityProvider.EntityId,
                    DisplayName: IdentityProviderDisplayName,
                    RequireEncryptedAssertions: protection == AssertionProtection.Encrypted));
            stack.Proxy = stack.Track(await ProxyProcess.StartAsync(configuration, stack.ProxyLogFile));
            await stack.IdentityProvider.PublishServiceProviderMetadataAsync(await stack.Proxy.FetchServiceProviderMetadataAsync());
            await stack.OpenBrowserAsync();
        });
    }

    protected override string DiagnosticLogs() =>
        $"SimpleSAMLphp log: {IdentityProvider.LogFile}\n{ProxyProcess.Tail(IdentityProvider.LogFile, 10)}";
}
