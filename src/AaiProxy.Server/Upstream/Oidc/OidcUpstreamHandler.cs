using System.Text.Encodings.Web;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>
/// ASP.NET Core's OpenID Connect handler, with one difference: when the provider's metadata cannot be
/// obtained as a login starts (the provider is down or answers garbage), the person sees a page saying so,
/// with a correlation id, instead of the generic server error.
/// </summary>
internal sealed class OidcUpstreamHandler(IOptionsMonitor<OpenIdConnectOptions> options, ILoggerFactory loggerFactory, HtmlEncoder htmlEncoder,
    UrlEncoder encoder) : OpenIdConnectHandler(options, loggerFactory, htmlEncoder, encoder)
{
    private readonly ILogger _log = loggerFactory.CreateLogger<OidcLoginLog>();

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        try
        {
            await base.HandleChallengeAsync(properties);
        }
        catch (InvalidOperationException unavailable) when (!Response.HasStarted)
        {
            // The configuration manager reports every failure to retrieve or read the metadata this way.
            var correlationId = CorrelationId.Of(Context);
            OidcLog.MetadataUnavailable(_log, Scheme.Name, LogText.Untrusted(unavailable.Message)!, correlationId);
            await ErrorPage.Render(StatusCodes.Status503ServiceUnavailable, "identity_provider_unavailable",
                "Your identity provider cannot be reached right now. Please try again later, or choose another way to sign in.",
                correlationId).ExecuteAsync(Context);
        }
    }
}
