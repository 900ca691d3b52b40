using AaiProxy.Server.Configuration;
using AaiProxy.Data;
using AaiProxy.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace AaiProxy.Server.Oidc;

internal static class OidcServiceCollectionExtensions
{
    /// <summary>The OpenID provider: OpenIddict core on the EF Core stores, server endpoints and flows.</summary>
    public static IServiceCollection AddProxyOpenIdProvider(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<ProxyDbContext>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(ConnectEndpoints.Authorization)
                    .SetTokenEndpointUris(ConnectEndpoints.Token)
                    .SetUserInfoEndpointUris(ConnectEndpoints.UserInfo)
                    .SetIntrospectionEndpointUris(ConnectEndpoints.Introspection)
                    .SetRevocationEndpointUris(ConnectEndpoints.Revocation)
                    .SetEndSessionEndpointUris(ConnectEndpoints.EndSession)
                    .SetPushedAuthorizationEndpointUris(ConnectEndpoints.PushedAuthorization)
                    .SetJsonWebKeySetEndpointUris(ConnectEndpoints.Jwks);

                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();

                server.RegisterScopes([.. ClaimRelease.KnownScopes]);
                server.RegisterClaims([.. CommunityClaimNames()]);

                // RFC 9068: resource servers validate access tokens alone, so they are signed, not encrypted.
                server.DisableAccessTokenEncryption();

                // Keys, lifetimes and issuer come from configuration and the database: OpenIddictServerOptionsSetup.
                server.AddEventHandler(TokenRequestHandler.Descriptor);
                server.AddEventHandler(RejectionLogger.Descriptor);
                server.AddEventHandler(AuthorizationErrorRedirect.Descriptor);

                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
            });

        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, OpenIddictServerOptionsSetup>();
        services.AddOptions<OpenIddictServerAspNetCoreOptions>()
            .Configure<IOptions<ProxyOptions>>((aspNetCore, proxy) =>
                aspNetCore.DisableTransportSecurityRequirement = proxy.Value.AllowInsecureHttp);

        services.AddScoped<ServerKeys>();
        services.AddScoped<ClientSeeder>();
        services.AddScoped<CommunityPrincipalFactory>();
        services.AddScoped<CommunityClaimsComputer>();
        services.AddScoped<IClaimsEnricher, CommunityIdentifierEnricher>();
        services.AddScoped<IClaimsEnricher, UpstreamAttributeEnricher>();
        services.AddScoped<IClaimsEnricher, AuthenticationContextEnricher>();
        return services;
    }

    private static IEnumerable<string> CommunityClaimNames() =>
        typeof(CommunityClaims).GetFields()
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!);
}
