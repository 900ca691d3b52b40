using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// RFC 6749 §4.1.2.1: once the client is known and the redirect URI is one registered for it, every error of
/// the authorization request goes back to the client, not to a page of the proxy. OpenIddict checks some
/// parameters (PKCE, scopes, prompt, …) before it has confirmed the redirect URI, and then answers with its
/// own page; this handler confirms the redirect URI the same way OpenIddict would (exact match against the
/// client's registered URIs) and lets the error be redirected. Unknown clients and unregistered redirect URIs
/// still get the proxy's page, never a redirect.
/// </summary>
internal sealed class AuthorizationErrorRedirect(IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseScopedHandler<AuthorizationErrorRedirect>()
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        var request = context.Request;
        if (!string.IsNullOrEmpty(context.RedirectUri) || string.IsNullOrEmpty(context.Response.Error) || request is null ||
            string.IsNullOrEmpty(request.ClientId) || string.IsNullOrEmpty(request.RedirectUri) ||
            // The response mode must be one the error can be delivered in: the code flow's query (or an explicit
            // query / form_post).
            request.ResponseType != ResponseTypes.Code ||
            request.ResponseMode is not (null or ResponseModes.Query or ResponseModes.FormPost))
        {
            return;
        }

        if (await applications.FindByClientIdAsync(request.ClientId, context.CancellationToken) is { } application &&
            await applications.ValidateRedirectUriAsync(application, request.RedirectUri, context.CancellationToken))
        {
            context.RedirectUri = request.RedirectUri;
        }
    }
}
