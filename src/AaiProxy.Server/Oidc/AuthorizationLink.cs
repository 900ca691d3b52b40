using System.Text.Json;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Remembers, on the OpenIddict authorization (the grant) created at the authorization endpoint, which
/// upstream link the person signed in with. Access tokens carry the authorization id (<c>oi_au_id</c>),
/// not the link, so userinfo finds the link here and computes the claims from that login's attributes,
/// as a refresh does. It also keeps the proxy session (<c>sid</c>) the grant was made in: the grants of a
/// session are the clients to notify when it ends (<see cref="Logout.ClientLogout"/>).
/// </summary>
internal sealed class AuthorizationLink(IOpenIddictAuthorizationManager authorizations) : IOpenIddictServerHandler<ProcessSignInContext>
{
    private const string LinkProperty = "aaiproxy_link";
    private const string AccountProperty = "aaiproxy_account";
    private const string SessionProperty = "aaiproxy_sid";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<AuthorizationLink>()
            .SetOrder(OpenIddictServerHandlers.AttachAuthorization.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Authorization || context.Principal is not { } principal ||
            principal.GetAuthorizationId() is not { } authorizationId ||
            CommunityPrincipalFactory.ReadAccount(principal) is not var (accountId, linkId) ||
            await authorizations.FindByIdAsync(authorizationId, context.CancellationToken) is not { } authorization)
        {
            return;
        }

        var descriptor = new OpenIddictAuthorizationDescriptor();
        await authorizations.PopulateAsync(descriptor, authorization, context.CancellationToken);
        descriptor.Properties[LinkProperty] = JsonSerializer.SerializeToElement(linkId);
        descriptor.Properties[AccountProperty] = JsonSerializer.SerializeToElement(accountId);
        if (principal.GetClaim(CommunityPrincipalFactory.SessionIdClaim) is { } sessionId)
        {
            descriptor.Properties[SessionProperty] = JsonSerializer.SerializeToElement(sessionId);
        }

        await authorizations.UpdateAsync(authorization, descriptor, context.CancellationToken);
    }

    /// <summary>The proxy session a grant was made in, or null (grants from before sessions had ids).</summary>
    public static string? SessionIdOf(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(SessionProperty, out var sessionId) && sessionId.ValueKind == JsonValueKind.String ? sessionId.GetString() : null;

    /// <summary>The account and upstream link of a grant, or null (a client's own token has no grant of a person).
    /// Grants from before the account was stored name it by their subject.</summary>
    public static async Task<(string AccountId, string LinkId)?> ReadAsync(IOpenIddictAuthorizationManager authorizations, string authorizationId,
        CancellationToken cancellationToken)
    {
        if (await authorizations.FindByIdAsync(authorizationId, cancellationToken) is not { } authorization)
        {
            return null;
        }

        var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
        var accountId = properties.TryGetValue(AccountProperty, out var account) && account.ValueKind == JsonValueKind.String
            ? account.GetString()
            : await authorizations.GetSubjectAsync(authorization, cancellationToken);
        return properties.TryGetValue(LinkProperty, out var link) && link.ValueKind == JsonValueKind.String && link.GetString() is { } linkId &&
               accountId is not null
            ? (accountId, linkId)
            : null;
    }
}
