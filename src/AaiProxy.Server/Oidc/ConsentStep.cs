using System.Security.Claims;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The authorization endpoint's consent step, after the person is signed in and before the code is issued: reads the
/// client's consent type and the person's stored consent, lets <see cref="ConsentDecision"/> decide, and acts on it
/// (release notice, stored consent, <c>access_denied</c>, <c>consent_required</c>).
/// </summary>
internal sealed class ConsentStep(IOpenIddictApplicationManager applications, Consents consents, IAntiforgery antiforgery, ILogger<AuthorizationLog> logger)
{
    /// <summary>The response that ends the request here, or null to issue the code.</summary>
    /// <param name="principal">The principal the code would carry (<see cref="CommunityPrincipalFactory.CreateAsync"/>).</param>
    public async Task<IResult?> RunAsync(HttpContext httpContext, OpenIddictRequest request, ClaimsPrincipal principal, string accountId)
    {
        var cancellationToken = httpContext.RequestAborted;
        var clientId = request.ClientId!;
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new InvalidOperationException("The client of a validated authorization request is not stored.");
        var consentType = await applications.GetConsentTypeAsync(application, cancellationToken);
        var applicationId = (await applications.GetIdAsync(application, cancellationToken))!;
        var subject = principal.GetClaim(Claims.Subject)!;
        var scopes = request.GetScopes();
        var posted = httpContext.Request.HasFormContentType ? (string?)request.GetParameter(ConsentPage.DecisionParameter) : null;
        var stored = consentType == ConsentTypes.Explicit && await consents.CoversAsync(subject, applicationId, scopes, cancellationToken);
        var outcome = ConsentDecision.Decide(consentType, stored, request.HasPromptValue(PromptValues.None), request.HasPromptValue(PromptValues.Consent), posted);

        if (outcome is ConsentOutcome.Grant or ConsentOutcome.Deny && !await antiforgery.IsRequestValidAsync(httpContext))
        {
            // Not the person's own answer (or a page too old): neither stored nor passed on to the client.
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_consent_request",
                "This answer did not come from this service's page, or the page is too old. Please sign in to the service again.",
                CorrelationId.Of(httpContext));
        }

        switch (outcome)
        {
            case ConsentOutcome.Grant:
                await consents.GrantAsync(accountId, subject, applicationId, clientId, scopes, cancellationToken);
                Log.ConsentGranted(logger, clientId, accountId, string.Join(' ', scopes));
                return null;
            case ConsentOutcome.Deny:
                Log.ConsentDenied(logger, clientId, accountId);
                return AuthorizationEndpoint.Forbid(Errors.AccessDenied, "The person did not allow the release of their information to this client.");
            case ConsentOutcome.Required:
                return AuthorizationEndpoint.Forbid(Errors.ConsentRequired,
                    "The person has not allowed this client to receive their information, and prompt=none does not let the proxy ask.");
            case ConsentOutcome.Ask:
                var tokens = antiforgery.GetAndStoreTokens(httpContext);
                var parameters = httpContext.Request.HasFormContentType ? httpContext.Request.Form.AsEnumerable() : httpContext.Request.Query;
                var name = await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId;
                return ConsentPage.Render(name, principal, scopes.Contains(Scopes.OfflineAccess), parameters, (tokens.FormFieldName, tokens.RequestToken!));
            default:
                return null;
        }
    }
}
