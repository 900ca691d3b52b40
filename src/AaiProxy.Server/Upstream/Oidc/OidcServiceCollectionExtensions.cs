using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Oidc;

internal static class OidcServiceCollectionExtensions
{
    /// <summary>
    /// Upstream OpenID Connect providers (<c>AaiProxy:OpenIdConnectProviders</c>): options validated at start,
    /// one authentication scheme per provider, their choices on the login page, their logout.
    /// </summary>
    public static IServiceCollection AddProxyOpenIdConnectProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OidcProvidersOptions>().Bind(configuration.GetSection(OidcProvidersOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcProvidersOptions>, OidcProvidersOptionsValidator>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, OidcSchemeSetup>();
        // What AddOpenIdConnect adds besides the handler: the derived settings (metadata address, configuration
        // manager, backchannel, state format).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddScoped<OidcUpstreamEvents>();
        services.AddSingleton<IUpstreamChoiceSource, OidcUpstreamChoices>();

        // ASP.NET Core knows its schemes when services are registered, so the provider ids are read here; every
        // other setting comes from the bound, validated options. An invalid or repeated id registers nothing and
        // the validator stops the start with its message.
        var authentication = services.AddAuthentication();
        var ids = configuration.GetSection(OidcProvidersOptions.ListKey).GetChildren()
            .Select(provider => provider[nameof(OidcProviderOptions.Id)])
            .OfType<string>()
            .Where(id => id.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var id in ids)
        {
            authentication.AddRemoteScheme<OpenIdConnectOptions, OidcUpstreamHandler>(id, id, configureOptions: null);
            services.AddScoped<IUpstreamLogout>(provider => ActivatorUtilities.CreateInstance<OidcUpstreamLogout>(provider, id));
        }

        return services;
    }
}
