using System.Text;
using AaiProxy.Saml.Metadata;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Saml;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Session;

/// <summary>
/// Where a person without a proxy session starts: the choice of identity provider (a simple list
/// today; the federation-scale discovery service replaces it). With a single IdP there is nothing to
/// choose and the person goes straight there.
/// </summary>
internal static class LoginPage
{
    /// <summary>The login URL for a pending authorization request.</summary>
    /// <param name="returnUrl">The local URL to continue with after signing in.</param>
    /// <param name="acrValues">Authentication context classes the client asked for (OIDC <c>acr_values</c>).</param>
    /// <param name="force">The client asked for a fresh authentication (<c>prompt=login</c>, <c>max_age</c>).</param>
    public static string Url(string returnUrl, string? acrValues, bool force) =>
        QueryHelpers.AddQueryString(SessionDefaults.LoginPath, Parameters(returnUrl, acrValues, force));

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SessionDefaults.LoginPath, ShowAsync);
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(HttpContext httpContext, IIdentityProviderMetadataProvider identityProviders,
        string? returnUrl, string? acr_values, bool? force)
    {
        var parameters = Parameters(returnUrl ?? "/", acr_values, force == true);
        var choices = await identityProviders.ListAsync(httpContext.RequestAborted);
        if (choices.Count == 1)
        {
            return Results.Redirect(SamlLoginUrl(choices[0], parameters));
        }

        if (choices.Count == 0)
        {
            return ErrorPage.Render(StatusCodes.Status503ServiceUnavailable, "no_identity_provider",
                "No identity provider is configured, so nobody can sign in yet.", CorrelationId.Of(httpContext));
        }

        var list = new StringBuilder("<ul>");
        foreach (var idp in choices.OrderBy(idp => idp.DisplayName ?? idp.EntityId, StringComparer.OrdinalIgnoreCase))
        {
            list.Append("<li><a href=\"").Append(HtmlPage.Encode(SamlLoginUrl(idp, parameters)))
                .Append("\" data-idp-entity-id=\"").Append(HtmlPage.Encode(idp.EntityId)).Append("\">")
                .Append(HtmlPage.Encode(idp.DisplayName ?? idp.EntityId)).Append("</a></li>");
        }

        return HtmlPage.Render("Sign in", $"<p>Choose your identity provider (your university or institute).</p>{list}</ul>");
    }

    private static Dictionary<string, string?> Parameters(string returnUrl, string? acrValues, bool force)
    {
        var parameters = new Dictionary<string, string?> { ["returnUrl"] = returnUrl };
        if (!string.IsNullOrWhiteSpace(acrValues))
        {
            parameters["acr_values"] = acrValues;
        }

        if (force)
        {
            parameters["force"] = "true";
        }

        return parameters;
    }

    private static string SamlLoginUrl(IdentityProviderMetadata idp, Dictionary<string, string?> parameters) =>
        QueryHelpers.AddQueryString(SamlPaths.Login, new Dictionary<string, string?>(parameters) { ["idp"] = idp.EntityId });
}
