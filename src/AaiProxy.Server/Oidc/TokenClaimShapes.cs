using System.Security.Claims;
using AaiProxy.Identity;
using AaiProxy.Server.Groups;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Gives each released claim of an access or ID token its <see cref="ClaimTable"/> JSON type just before
/// OpenIddict writes the JWT. Principals carry one claim per value; after a round trip through an
/// authorization code a single value would otherwise become a JSON string (and a relying party reading
/// groups would split one entitlement into characters).
/// </summary>
internal sealed class TokenClaimShapes(GroupReleasePolicies policies) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<TokenClaimShapes>()
            .SetOrder(OpenIddictServerHandlers.GenerateAccessToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        var definitions = policies.ClaimsFor(context.Request?.ClientId);
        Shape(context.AccessTokenPrincipal, definitions);
        Shape(context.IdentityTokenPrincipal, definitions);
        return default;
    }

    private static void Shape(ClaimsPrincipal? principal, IReadOnlyList<ClaimDefinition> definitions)
    {
        if (principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        foreach (var definition in definitions.Where(definition => definition.Name != CommunityClaims.Subject))
        {
            var claims = identity.FindAll(definition.Name).ToList();
            if (claims.Count == 0)
            {
                continue;
            }

            claims.ForEach(identity.RemoveClaim);
            identity.AddClaim(ReleasedClaims.ToTokenClaim(definition, [.. claims.Select(claim => claim.Value)]));
        }
    }
}
