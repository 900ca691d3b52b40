using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Web;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc.Registration;

/// <summary>
/// <c>POST /connect/register</c>, OAuth 2.0 Dynamic Client Registration (RFC 7591 §3) for command-line tools: open
/// (no initial access token, no software statement), so only what <see cref="ClientRegistrationPolicy"/> allows is
/// registered — a public native client that may ask for consent like any other client not run by a facility — rate
/// limited per IP (<c>RateLimiting:Endpoints:register</c>) and audited (<c>client.registered</c>). Mapped, and advertised
/// as <c>registration_endpoint</c>, only while <see cref="DynamicRegistrationOptions.Enabled"/>.
/// </summary>
internal static class ClientRegistrationEndpoint
{
    public const string Path = "/connect/register";

    /// <summary>Shown after a registered client's name wherever people see it (device verification, consent):
    /// a name chosen by whoever registered it must not pass for a facility's own client.</summary>
    public const string NameSuffix = " (self-registered)";

    public const string DefaultName = "Command-line client";

    /// <summary>Prefix of the client ids the proxy assigns.</summary>
    public const string ClientIdPrefix = "dyn-";

    private const int MaxBodyBytes = 16 * 1024;

    public static IServiceCollection AddProxyDynamicRegistration(this IServiceCollection services)
    {
        services.AddOptions<DynamicRegistrationOptions>().BindConfiguration(DynamicRegistrationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DynamicRegistrationOptions>, DynamicRegistrationOptionsValidator>();
        services.AddOpenIddict().AddServer(server => server.AddEventHandler(RegistrationDiscovery.Descriptor));
        return services;
    }

    public static IEndpointRouteBuilder MapDynamicRegistration(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<DynamicRegistrationOptions>>().Value.Enabled)
            endpoints.MapPost(Path, RegisterAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Registration);
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, IOptions<DynamicRegistrationOptions> options,
        IOpenIddictApplicationManager applications, ClientDescriber describer, ClientCatalog catalog, ProxyDbContext db, IAuditLog audit,
        TimeProvider time, ILogger<DynamicRegistrationOptions> logger)
    {
        var from = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (metadata, refusal) = await ReadMetadataAsync(context.Request, context.RequestAborted);
        using (metadata)
        {
            var registered = metadata is null ? null : ClientRegistrationPolicy.Evaluate(metadata.RootElement, options.Value, out refusal);
            if (registered is null)
            {
                Log.ClientRegistrationRefused(logger, from, refusal!.Error, refusal.Description);
                return Error(refusal);
            }

            return await StoreAsync(context, registered, from, applications, describer, catalog, db, audit, time, logger);
        }
    }

    private static async Task<IResult> StoreAsync(HttpContext context, RegisteredClientMetadata registered, string from,
        IOpenIddictApplicationManager applications, ClientDescriber describer, ClientCatalog catalog, ProxyDbContext db, IAuditLog audit,
        TimeProvider time, ILogger logger)
    {
        var clientId = ClientIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // A managed client of no facility (platform admins see and manage it), described as every client is.
        var client = new ManagedClient(Settings(clientId, registered), Facility: null);
        var descriptor = describer.DescribeManaged(client, secret: null);
        await ClientDescriber.InTransactionAsync(db, async () =>
        {
            await applications.CreateAsync(descriptor, context.RequestAborted);
            var fields = ClientAuditFields.Created(descriptor);
            fields["registered_from"] = from;
            await audit.RecordAsync(new AuditEvent(AuditActors.DynamicRegistration, AuditActions.ClientRegistered, clientId, fields), context.RequestAborted);
        }, context.RequestAborted);
        catalog.Put(client);

        Log.ClientRegistered(logger, clientId, from, string.Join(' ', registered.GrantTypes), string.Join(' ', registered.RedirectUris));

        // RFC 7591 §3.2.1: 201 with the registered metadata, as the server registered it. client_name is the client's own:
        // people see it with NameSuffix, which the client need not know (and oidc-agent 4.2.6 refuses a registration whose
        // answer names it differently from its request).
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new Dictionary<string, object?>
        {
            ["client_id"] = clientId,
            ["client_id_issued_at"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["client_name"] = registered.ClientName ?? DefaultName,
            ["application_type"] = ApplicationTypes.Native,
            ["token_endpoint_auth_method"] = ClientAuthenticationMethods.None,
            ["grant_types"] = registered.GrantTypes,
            ["response_types"] = registered.ResponseTypes,
            ["redirect_uris"] = registered.RedirectUris,
            ["scope"] = string.Join(' ', registered.Scopes),
        }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The body as JSON (RFC 7591 §3.1: <c>application/json</c>, at most 16 KiB), or the refusal.</summary>
    private static async Task<(JsonDocument? Metadata, RegistrationRefusal? Refusal)> ReadMetadataAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return (null, new RegistrationRefusal(ClientRegistrationPolicy.InvalidClientMetadata, "The client metadata must be sent as application/json (RFC 7591 §3.1)."));
        if (request.ContentLength > MaxBodyBytes)
            return (null, TooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return (null, TooLarge);
            buffer.Write(chunk, 0, read);
        }

        try
        {
            return (JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 }), null);
        }
        catch (JsonException)
        {
            return (null, new RegistrationRefusal(ClientRegistrationPolicy.InvalidClientMetadata, "The request body is not valid JSON."));
        }
    }

    private static RegistrationRefusal TooLarge { get; } =
        new(ClientRegistrationPolicy.InvalidClientMetadata, $"The client metadata is larger than {MaxBodyBytes / 1024} KiB.");

    /// <summary>The client's settings: public, native (loopback redirect URIs on any port), PKCE required, consent asked
    /// (never facility-internal), only the grants, redirect URIs and scopes it registered; no resources, no groups.</summary>
    private static ClientOptions Settings(string clientId, RegisteredClientMetadata registered) => new()
    {
        ClientId = clientId,
        DisplayName = (registered.ClientName ?? DefaultName) + NameSuffix,
        Type = ClientType.Public,
        Native = true,
        FacilityInternal = false,
        RequirePkce = true,
        RedirectUris = [.. registered.RedirectUris],
        AllowedGrants = [.. registered.GrantTypes],
        AllowedScopes = [.. registered.Scopes],
    };

    private static IResult Error(RegistrationRefusal refusal) =>
        Results.Json(new Dictionary<string, string> { ["error"] = refusal.Error, ["error_description"] = refusal.Description },
            statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>RFC 7591 §3 / RFC 8414 §2: discovery names the registration endpoint, only while registration is enabled.</summary>
internal sealed class RegistrationDiscovery(IOptions<DynamicRegistrationOptions> options) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<RegistrationDiscovery>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        if (options.Value.Enabled && context.BaseUri is { } baseUri)
            context.Metadata["registration_endpoint"] = new Uri(baseUri, ClientRegistrationEndpoint.Path.TrimStart('/')).AbsoluteUri;
        return ValueTask.CompletedTask;
    }
}
