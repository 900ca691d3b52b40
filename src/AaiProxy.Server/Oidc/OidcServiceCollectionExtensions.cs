using AaiProxy.Server.Operations;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Storage;
using AaiProxy.Data;
using AaiProxy.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

internal static class OidcServiceCollectionExtensions
{
    /// <summary>The OpenID provider: OpenIddict core on the EF Core stores, server endpoints and flows.</summary>
    public static IServiceCollection AddProxyOpenIdProvider(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<ProxyDbContext>();
                core.ReplaceApplicationManager(typeof(ProxyApplicationManager<>));
            })
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(ConnectEndpoints.Authorization)
                    .SetTokenEndpointUris(ConnectEndpoints.Token)
                    .SetUserInfoEndpointUris(ConnectEndpoints.UserInfo)
                    .SetIntrospectionEndpointUris(ConnectEndpoints.Introspection)
                    .SetRevocationEndpointUris(ConnectEndpoints.Revocation)
                    .SetEndSessionEndpointUris(ConnectEndpoints.EndSession)
                    .SetPushedAuthorizationEndpointUris(ConnectEndpoints.PushedAuthorization)
                    .SetDeviceAuthorizationEndpointUris(ConnectEndpoints.DeviceAuthorization)
                    .SetEndUserVerificationEndpointUris(ConnectEndpoints.Verification)
                    .SetJsonWebKeySetEndpointUris(ConnectEndpoints.Jwks);

                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow()
                    .AllowTokenExchangeFlow()
                    .AllowDeviceAuthorizationFlow();

                // Discovery's scopes_supported and claims_supported: the claim table's.
                server.RegisterScopes([.. ClaimTable.Scopes]);
                server.RegisterClaims([.. ClaimTable.Claims.Select(claim => claim.Name)]);

                // RFC 9068: resource servers validate access tokens alone, so they are signed, not encrypted.
                server.DisableAccessTokenEncryption();

                // Keys, lifetimes and issuer come from configuration and the database: OpenIddictServerOptionsSetup.
                server.AddEventHandler(RecentClientsScope.MarkProtocolRequests.Descriptor);
                server.AddEventHandler(TokenRequestHandler.Descriptor);
                server.AddEventHandler(RejectionLogger.Descriptor);
                server.AddEventHandler(TokenMetrics.Descriptor);
                server.AddEventHandler(AuthorizationErrorRedirect.Descriptor);
                server.AddEventHandler(ClientResourcesOnly<ValidateAuthorizationRequestContext>.Before(
                    OpenIddictServerHandlers.Authentication.ValidateResourcePermissions.Descriptor));
                server.AddEventHandler(ClientResourcesOnly<ValidatePushedAuthorizationRequestContext>.Before(
                    OpenIddictServerHandlers.Authentication.ValidatePushedResourcePermissions.Descriptor));
                server.AddEventHandler(ClientResourcesOnly<ValidateTokenRequestContext>.Before(
                    OpenIddictServerHandlers.Exchange.ValidateResourcePermissions.Descriptor));
                server.AddEventHandler(TokenExchangeTargets.Descriptor);
                server.AddEventHandler(ClientResourcesOnly<ValidateDeviceAuthorizationRequestContext>.Before(
                    OpenIddictServerHandlers.Device.ValidateScopePermissions.Descriptor));
                server.AddEventHandler(AudienceAsResource.Descriptor);
                server.AddEventHandler(GrantResources.Descriptor);
                server.AddEventHandler(NarrowAccessTokenAudience.Descriptor);
                server.AddEventHandler(AuthorizationLink.Descriptor);
                server.AddEventHandler(GrantRevocation.Descriptor);
                server.AddEventHandler(TokenClaimShapes.Descriptor);
                server.AddEventHandler(IntrospectionScope.Descriptor);
                server.AddEventHandler(AccessTokenStorage.Descriptor);
                server.AddEventHandler(RedemptionTransaction.Begin);
                server.AddEventHandler(RedemptionTransaction.Commit);

                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableEndUserVerificationEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
            });

        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, OpenIddictServerOptionsSetup>();
        services.AddOptions<OpenIddictServerAspNetCoreOptions>()
            .Configure<IOptions<ProxyOptions>>((aspNetCore, proxy) =>
                aspNetCore.DisableTransportSecurityRequirement = proxy.Value.AllowInsecureHttp);

        services.AddSingleton<VerifiedClientSecrets>();
        services.AddSingleton<RecentClients>();
        services.AddScoped<RecentClientsScope>();
        services.AddScoped<ServerKeys>();
        services.AddSingleton<ServerKeyRing>();
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>, KeyRingChangeTokenSource>();
        services.AddSingleton<KeyRotation>();
        services.AddHostedService<KeyRotationService>();
        services.AddHealthChecks().AddCheck<SigningKeyHealthCheck>("signing-keys", tags: [HealthEndpoints.ReadyTag]);
        services.AddScoped<ClientSeeder>();
        services.AddSingleton<ClientDescriber>();
        services.AddSingleton<ClientCatalog>();
        services.AddHostedService<ClientCatalogRefresh>();
        services.AddScoped<RedemptionTransaction>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<RedemptionTransaction.RequireRedemption>();
        services.AddScoped<CommunityPrincipalFactory>();
        services.AddScoped<TokenExchange>();
        services.AddScoped<ConsentStep>();
        services.AddScoped<CommunityClaimsComputer>();
        services.AddScoped<IClaimsEnricher, CommunityIdentifierEnricher>();
        services.AddScoped<IClaimsEnricher, UpstreamAttributeEnricher>();
        services.AddScoped<IClaimsEnricher, AuthenticationContextEnricher>();

        // Also for sign-in, to log dropped upstream values and store only the kept ones.
        services.AddOptions<ClaimsOptions>().BindConfiguration(ClaimsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClaimsOptions>, ClaimsOptionsValidator>();
        services.AddSingleton(provider => new UpstreamAttributeFilter(
            provider.GetRequiredService<IOptions<ClaimsOptions>>().Value.ToPolicy(
                provider.GetRequiredService<ListeningOrigins>().PublicOrigin(provider.GetRequiredService<IOptions<ProxyOptions>>().Value))));
        return services;
    }
}
