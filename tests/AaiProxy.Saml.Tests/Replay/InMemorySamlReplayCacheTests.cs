using AaiProxy.Saml.Replay;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Saml.Tests.Replay;

public sealed class InMemorySamlReplayCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Accepts_an_assertion_id_once_until_it_expires()
    {
        var cache = new InMemorySamlReplayCache(_time);
        var expiresAt = _time.GetUtcNow().AddMinutes(8);

        Assert.True(await cache.TryAddAsync("https://idp.example.org", "_a1", expiresAt, default));
        Assert.False(await cache.TryAddAsync("https://idp.example.org", "_a1", expiresAt, default));
        Assert.True(await cache.TryAddAsync("https://other-idp.example.org", "_a1", expiresAt, default));

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.True(await cache.TryAddAsync("https://idp.example.org", "_a1", _time.GetUtcNow().AddMinutes(8), default));
    }
}
