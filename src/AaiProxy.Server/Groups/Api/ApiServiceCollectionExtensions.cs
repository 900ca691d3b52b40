using AaiProxy.Groups.Management;
using AaiProxy.Server.Clients;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Web;
using Microsoft.Extensions.Options;
using OpenIddict.Validation;

namespace AaiProxy.Server.Groups.Api;

public static class ApiServiceCollectionExtensions
{
    public const string Prefix = "/api/v1";

    /// <summary>
    /// The group management API: bearer tokens validated by OpenIddict against this server (audience
    /// <c>AaiProxy:Api:Resource</c>), problem details, the OpenAPI document.
    /// </summary>
    public static IServiceCollection AddProxyGroupApi(this IServiceCollection services)
    {
        services.AddOpenIddict().AddValidation(validation =>
        {
            validation.UseLocalServer();
            validation.UseAspNetCore();
        });
        services.AddOptions<OpenIddictValidationOptions>()
            .Configure<IOptions<ProxyOptions>>((validation, proxy) => validation.Audiences.Add(proxy.Value.Api.Resource));
        services.AddProblemDetails();
        services.AddOpenApi("v1", openApi =>
        {
            openApi.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "AaiProxy group management API";
                document.Info.Description = "Groups, memberships, proposals, facility user ids and the registrations of OIDC clients. OAuth 2 bearer tokens of this proxy for the API resource "
                                            + "(AaiProxy:Api:Resource) with the scopes " + string.Join(", ", ApiScopes.All) + ". Errors are RFC 9457 problem details; "
                                            + "changes need If-Match with the ETag read (412 when stale, 428 when missing); lists are paged with page_size and cursor.";
                return Task.CompletedTask;
            });
        });
        services.AddSingleton<ApiCaller>();
        services.AddScoped<ApiScopeSeeder>();
        return services;
    }

    /// <summary><c>/api/v1</c> (rate-limited in a bucket of its own) and <c>/openapi/v1.json</c>.</summary>
    public static IEndpointRouteBuilder MapProxyGroupApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix)
            .AddEndpointFilter<ApiCaller>()
            .DisableAntiforgery()
            .WithRateLimitedEndpoint(RateLimitedEndpoints.Api);
        api.MapGroupApi();
        api.MapProposalApi();
        api.MapClientApi();
        endpoints.MapOpenApi();
        return endpoints;
    }
}
