using AaiProxy.Identity;
using AaiProxy.Server.Operations;
using AaiProxy.Saml;
using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Requests;
using AaiProxy.Saml.ServiceProviderMetadata;
using AaiProxy.Saml.Validation;
using AaiProxy.Server.Session;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AaiProxy.Server.Upstream.Saml;

internal static class SamlServiceCollectionExtensions
{
    /// <summary>The SAML service provider: options, keys, trusted IdPs, and the protocol classes of AaiProxy.Saml.</summary>
    public static IServiceCollection AddProxySaml(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SamlOptions>().Bind(configuration.GetSection(SamlOptions.SectionName))
            .Validate(options => options.IdentityProviders.All(idp => !string.IsNullOrWhiteSpace(idp.MetadataFile)),
                "Each AaiProxy:Saml:IdentityProviders entry needs a MetadataFile.")
            .Validate(options => options.ClockSkew >= TimeSpan.Zero && options.ClockSkew <= TimeSpan.FromMinutes(10),
                "AaiProxy:Saml:ClockSkew must be between 0 and 10 minutes.")
            .Validate(options => options.OutstandingRequestLifetime > TimeSpan.Zero,
                "AaiProxy:Saml:OutstandingRequestLifetime must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SamlOptions>, SamlFederationOptionsValidator>();

        services.AddSingleton<ServiceProviderKeySource>();
        services.AddSingleton(ServiceProviderSettingsFactory.Create);
        services.AddSingleton<ConfiguredIdentityProviders>();
        services.AddHttpClient(FederationMetadata.HttpClientName);
        services.AddSingleton(FederationMetadata.Create);
        services.AddSingleton(FederationMetadata.CreateMdq);
        services.AddSingleton<FederationEntities>();
        services.AddSingleton<FederationPolicies>();
        services.AddSingleton<AaiProxy.Identity.ISirtfiMetadata, FederationSirtfi>();
        services.AddHostedService<FederationMetadataRefresh>();
        services.AddHostedService<FederationMetadataRefreshRequests>();
        services.AddHealthChecks().AddCheck<FederationMetadataHealthCheck>("federation-metadata", tags: [HealthEndpoints.ReadyTag]);
        services.AddSingleton<IIdentityProviderMetadataProvider, TrustedIdentityProviders>();
        services.AddSingleton(provider =>
        {
            var federationPolicies = provider.GetRequiredService<FederationPolicies>();
            var defaults = new IdentityProviderPolicy();
            return new SamlValidationOptions
            {
                ClockSkew = provider.GetRequiredService<IOptions<SamlOptions>>().Value.ClockSkew,
                Policies = provider.GetRequiredService<ConfiguredIdentityProviders>().Policies,
                DefaultPolicy = defaults,
                PolicySource = entityId => federationPolicies.PolicyFor(entityId, defaults),
            };
        });
        services.AddSingleton<ISamlReplayCache>(provider => provider.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisSamlReplayCache(redis, provider.GetRequiredService<TimeProvider>())
            : new InMemorySamlReplayCache(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SamlResponseValidator>();
        services.AddSingleton(provider => new AuthnRequestWriter(provider.GetRequiredService<ServiceProviderSettings>(),
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<IOptions<SamlOptions>>().Value.SignAuthnRequests));
        services.AddSingleton(provider => LogoutValidationOptions.SameAs(provider.GetRequiredService<SamlValidationOptions>()));
        services.AddSingleton<LogoutRequestWriter>(provider => new(provider.GetRequiredService<ServiceProviderSettings>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LogoutRequestValidator>();
        services.AddSingleton<LogoutResponseValidator>();
        services.AddSingleton<LogoutResponseWriter>();
        services.AddSingleton<ServiceProviderMetadataWriter>();
        services.AddSingleton<SamlMetadataDocument>();
        services.AddSingleton<PendingSamlRequests>();

        services.AddAuthentication().AddRemoteScheme<SamlAuthenticationOptions, SamlAuthenticationHandler>(
            SamlAuthenticationDefaults.Scheme, "SAML identity providers", options =>
            {
                options.SignInScheme = SessionDefaults.Scheme;
                options.Events.OnRemoteFailure = context => UpstreamLoginEvents.OnRemoteFailure(context, UpstreamProtocols.Saml2);
            });
        services.AddSingleton<IUpstreamChoiceSource, SamlUpstreamChoices>();
        services.AddScoped<IUpstreamLogout, SamlUpstreamLogout>();
        return services;
    }
}
