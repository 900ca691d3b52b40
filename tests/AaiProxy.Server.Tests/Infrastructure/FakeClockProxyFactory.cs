using AaiProxy.Server.Oidc;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>The proxy on a test's clock, without the key-rotation timer: the test runs each rotation round itself
/// (<see cref="KeyRotation.RunOnce"/>, what the timer runs), so nothing happens between its steps.</summary>
public sealed class FakeClockProxyFactory(TestDatabase database, TimeProvider time, IReadOnlyDictionary<string, string>? overrides = null)
    : ProxyFactory(database, overrides: overrides)
{
    /// <summary>One rotation round, as <see cref="KeyRotationService"/> runs it; returns how many keys changed.</summary>
    public int RunRotationRound() => Services.GetRequiredService<KeyRotation>().RunOnce();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(time);
            services.Remove(services.Single(service => service.ServiceType == typeof(IHostedService) && service.ImplementationType == typeof(KeyRotationService)));
        });
    }
}
