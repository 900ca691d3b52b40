using AaiProxy.Server.Gate;
using AaiProxy.Server.Oidc.Registration;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Demo;
using AaiProxy.Server.Groups;
using AaiProxy.Server.Admin;
using AaiProxy.Server.Mail;
using AaiProxy.Server.Groups.Api;
using AaiProxy.Server.Groups.Scim;
using AaiProxy.Server.Logout;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Operations;
using AaiProxy.Server.Session;
using AaiProxy.Server.Storage;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Upstream.Oidc;
using AaiProxy.Server.Upstream.Saml;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Hosting;

internal static class ProxyHostExtensions
{
    /// <summary>Relative to the server's output directory (linked there from the repository's config/).</summary>
    public const string DemoConfigurationFile = "config/demo.json";

    /// <summary>Configuration sources, default address and every service of the proxy.</summary>
    public static WebApplicationBuilder AddAaiProxy(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // Which configuration file to add and which demo services exist are decided before options are bound.
        var demoEnabled = configuration.GetValue<bool>($"{ProxyOptions.SectionName}:Demo:Enabled");
        if (demoEnabled)
        {
            // Inserted before environment variables and command-line arguments so that they still win.
            var demoFile = Path.Combine(AppContext.BaseDirectory, DemoConfigurationFile);
            var index = configuration.Sources.ToList().FindIndex(source => source is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
            var fileSource = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = demoFile, Optional = false, ReloadOnChange = false };
            fileSource.ResolveFileProvider();
            configuration.Sources.Insert(index < 0 ? configuration.Sources.Count : index, fileSource);
        }

        if (ListeningOrigins.NoneConfigured(configuration))
        {
            builder.WebHost.UseUrls(ListeningOrigins.DefaultUrl);
        }

        var services = builder.Services;
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ListeningOrigins>();
        services.AddHttpClient(DemoPortalEndpoints.HttpClientName);

        services.AddProxyStorage(configuration);
        // First of the hosted services: hosts start them in registration order, so the database is migrated and the
        // declared clients seeded before any background service (retention, reminders, metadata refresh) reads them.
        services.AddHostedService<StartupInitializer>();
        services.AddProxyMail();
        services.AddProxyTelemetry(configuration);
        services.AddProxySession();
        services.AddProxyUpstream();
        services.AddProxyAccounts();
        if (demoEnabled)
        {
            services.AddSingleton<DemoIdentityProvider>();
            services.AddSingleton<IEmbeddedIdentityProvider>(provider => provider.GetRequiredService<DemoIdentityProvider>());
            services.AddDemoProposals();
            services.AddDemoFederation(configuration);
        }

        services.AddProxySaml(configuration);
        services.AddProxyOpenIdConnectProviders(configuration);
        services.AddProxyOpenIdProvider();
        services.AddProxyClientLogout();
        services.AddProxyGroups();
        services.AddProxyGroupAdmin();
        services.AddProxyGroupApi();
        services.AddProxyGate(configuration);
        services.AddProxyDynamicRegistration();
        services.AddProxyWeb();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, options) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            ReverseProxyTrust.Apply(forwarded, options.Value.ReverseProxy);
        });
        return builder;
    }

    /// <summary>The middleware pipeline and endpoints.</summary>
    public static WebApplication UseAaiProxy(this WebApplication app)
    {
        var reverseProxy = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.ReverseProxy;
        if (reverseProxy.Configured)
        {
            // The gate's sign-in paths, proxied by download hosts, also believe X-Forwarded-Host; nothing else does.
            app.UseWhen(GateSignInPaths.IsSignInRequest, branch => branch.UseForwardedHeaders(GateBrowserSignIn.ForwardedHeaders(reverseProxy)));
            app.UseWhen(context => !GateSignInPaths.IsSignInRequest(context), branch => branch.UseForwardedHeaders());
        }

        app.UseProxyErrorHandling();
        app.UseSecurityHeaders();
        app.UseRouting();
        app.UseProxyRateLimiter();
        app.UseAuthentication();
        app.UseAntiforgery();

        app.MapGet("/", () => HtmlPage.Render("AaiProxy", """<p>A research and education identity proxy. <a href="/.well-known/openid-configuration">OpenID Provider configuration</a></p>"""));
        app.MapProxyHealth();
        app.MapProxyMetrics();
        app.MapBrandingAssets();
        app.MapErrorPage();
        app.MapConnectEndpoints();
        app.MapProxyGroupApi();
        app.MapProxyGate();
        app.MapDynamicRegistration();
        app.MapProxyScim();
        app.MapLoginPage();
        app.MapProxyGroupAdmin();
        app.MapAccounts();
        app.MapSamlEndpoints();

        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Demo.Enabled)
        {
            app.MapDemoIdentityProvider();
            app.MapDemoPortal();
            app.MapDemoMailbox();
            app.MapDemoFederation();
        }

        return app;
    }
}
