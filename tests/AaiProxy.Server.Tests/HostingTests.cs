using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests;

public sealed class HostingTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task Startup_ProductionWithDemoEnabled_Fails()
    {
        await using var factory = new ProxyFactory(fixture.Database, environment: "Production",
            overrides: new Dictionary<string, string> { ["AaiProxy:Demo:Enabled"] = "true", ["AaiProxy:AllowInsecureHttp"] = "true" });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Demo:Enabled", validation.Message);
    }

    [Fact]
    public void Startup_MigratesAndSeedsBeforeAnyBackgroundServiceStarts()
    {
        // Hosts start hosted services in registration order and wait for each StartAsync: the initializer must be first,
        // or retention, reminders and metadata refresh query tables a fresh database does not have yet.
        var hosted = fixture.Factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList();

        var initializer = hosted.FindIndex(service => service is AaiProxy.Server.Hosting.StartupInitializer);
        var ours = hosted.Where(service => service.GetType().Assembly == typeof(AaiProxy.Server.Hosting.StartupInitializer).Assembly).ToList();

        Assert.True(initializer >= 0, "StartupInitializer is not registered");
        Assert.Contains(ours, service => service is AaiProxy.Server.Accounts.RetentionService);
        Assert.All(ours.Where(service => service is not AaiProxy.Server.Hosting.StartupInitializer),
            service => Assert.True(hosted.IndexOf(service) > initializer, $"{service.GetType().Name} starts before the start-up initializer"));
    }

    [Fact]
    public async Task Startup_ProductionWithoutIssuer_FailsNamingTheKey()
    {
        // Before: iss followed the Host header of each request.
        await using var factory = new ProxyFactory(fixture.Database, environment: "Production",
            overrides: new Dictionary<string, string> { ["AaiProxy:Demo:Enabled"] = "false", ["AaiProxy:AllowInsecureHttp"] = "true" });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Issuer is required", validation.Message);
    }

    [Fact]
    public async Task Authorize_ClientIdWithALineBreak_IsLoggedOnOneLine()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync(
            "/connect/authorize?response_type=code&client_id=nobody%0Ainfo%3A%20forged%20line");

        var line = Assert.Single(fixture.Factory.Logs.Lines, line => line.Contains("forged line", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public async Task Api_UnknownPath_ReturnsProblemDetails()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/api/does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task Api_UnhandledException_ReturnsProblemDetailsAndLogsTheCorrelationId()
    {
        await using var factory = new ThrowingProxyFactory(fixture.Database);

        using var response = await factory.CreateClient().GetAsync(ThrowingProxyFactory.ThrowPath);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString()!;
        Assert.Contains(factory.Logs.Lines, line => line.Contains(traceId));
    }

    [Fact]
    public async Task Browser_UnhandledException_ShowsErrorPageWithCorrelationId()
    {
        await using var factory = new ThrowingProxyFactory(fixture.Database);
        var request = new HttpRequestMessage(HttpMethod.Get, ThrowingProxyFactory.ThrowPath);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await factory.CreateClient().SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("id=\"correlation-id\"", html);
        Assert.DoesNotContain("boom", html);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/.well-known/openid-configuration");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Login_BeyondTheRateLimit_Returns429()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:RateLimiting:PermitLimit"] = "2",
            ["AaiProxy:RateLimiting:Window"] = "00:10:00",
        });
        var client = factory.CreateBrowser();

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Without a login request the page says so (400); the limit counts every request all the same.
            using var response = await client.GetAsync("/login");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    /// <summary>The proxy plus a path that throws, reached only after every proxy endpoint declined it.</summary>
    private sealed class ThrowingProxyFactory(TestDatabase database) : ProxyFactory(database)
    {
        public const string ThrowPath = "/test/throw";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ThrowingStartupFilter>());
        }
    }

    private sealed class ThrowingStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((httpContext, nextMiddleware) => httpContext.Request.Path == ThrowingProxyFactory.ThrowPath
                ? throw new InvalidOperationException("boom")
                : nextMiddleware(httpContext));
        };
    }
}
