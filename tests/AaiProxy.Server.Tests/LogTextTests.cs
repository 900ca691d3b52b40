using AaiProxy.Server.Web;

namespace AaiProxy.Server.Tests;

public sealed class LogTextTests
{
    [Fact]
    public void Text_from_a_peer_cannot_forge_a_log_line()
    {
        var logged = LogText.Untrusted("Denied\r\ninfo: AaiProxy signed in admin\u001b[0m")!;

        Assert.DoesNotContain('\n', logged);
        Assert.DoesNotContain('\r', logged);
        Assert.DoesNotContain('\u001b', logged);
        Assert.StartsWith("Denied??info: AaiProxy signed in admin?", logged, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_a_peer_is_cut_to_a_bounded_length()
    {
        var logged = LogText.Untrusted(new string('x', 10_000))!;

        Assert.True(logged.Length <= 301, $"{logged.Length} characters were logged.");
        Assert.EndsWith("…", logged, StringComparison.Ordinal);
    }
}
