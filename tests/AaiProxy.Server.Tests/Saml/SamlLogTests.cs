using AaiProxy.Server.Upstream.Saml;

namespace AaiProxy.Server.Tests.Saml;

public sealed class SamlLogTests
{
    [Fact]
    public void Text_from_a_peer_cannot_forge_a_log_line()
    {
        var logged = SamlLog.Untrusted("Denied\r\ninfo: AaiProxy signed in admin\u001b[0m")!;

        Assert.DoesNotContain('\n', logged);
        Assert.DoesNotContain('\r', logged);
        Assert.DoesNotContain('\u001b', logged);
        Assert.StartsWith("Denied??info: AaiProxy signed in admin?", logged, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_a_peer_is_cut_to_a_bounded_length()
    {
        var logged = SamlLog.Untrusted(new string('x', 10_000))!;

        Assert.True(logged.Length <= 301, $"{logged.Length} characters were logged.");
        Assert.EndsWith("…", logged, StringComparison.Ordinal);
    }
}
