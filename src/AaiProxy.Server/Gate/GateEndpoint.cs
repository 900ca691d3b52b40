using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Gate;

/// <summary>
/// <c>/gate/check</c>, the sub-request target of nginx <c>auth_request</c> (and of Traefik and Caddy forward-auth): the
/// web server passes the original request URI (<c>X-Original-URI</c>, or <c>X-Forwarded-Uri</c>) and the caller's
/// <c>Authorization</c> header; the answer is 200, 401 (with <c>WWW-Authenticate: Bearer</c>) or 403, with
/// <c>X-AaiProxy-Subject</c> and <c>X-AaiProxy-Proposal</c> for the web server's access log. With the browser sign-in
/// (<see cref="GateBrowserSignIn"/>) the gate cookie of the download host (passed in the sub-request's <c>Cookie</c>
/// header) counts as its access token, and a 401 to a browser's navigation names the sign-in in
/// <see cref="GateSignInLink.Header"/>.
/// </summary>
internal static class GateEndpoint
{
    public const string Path = "/gate/check";
    public const string OriginalUriHeader = "X-Original-URI";
    public const string ForwardedUriHeader = "X-Forwarded-Uri";
    public const string SubjectHeader = "X-AaiProxy-Subject";
    public const string ProposalHeader = "X-AaiProxy-Proposal";

    public static IServiceCollection AddProxyGate(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GateOptions>().BindConfiguration(GateOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GateOptions>, GateOptionsValidator>();
        services.AddSingleton(provider => GatePathRules.Parse(provider.GetRequiredService<IOptions<GateOptions>>().Value.EffectivePathRules, out _));
        services.AddSingleton<GateFactsCache>();
        services.AddSingleton<GateTokenValidator>();
        services.AddScoped<GateFactsLoader>();
        services.AddGateBrowserSignIn(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapProxyGate(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<GateOptions>>().Value.Enabled)
        {
            endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post], CheckAsync).DisableAntiforgery();
            endpoints.MapGateBrowserSignIn();
        }

        return endpoints;
    }

    private static async Task<IResult> CheckAsync(HttpContext context, GatePathRules rules, GateTokenValidator tokens, GateFactsCache cache,
        GateFactsLoader loader, IOptions<GateOptions> options, TimeProvider time, ILogger<GateFactsLoader> logger)
    {
        var headers = context.Request.Headers;
        var originalUri = headers[OriginalUriHeader].FirstOrDefault() ?? headers[ForwardedUriHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(originalUri))
        {
            Log.GateWithoutOriginalUri(logger);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "missing_original_uri",
                detail: $"The web server must send the original request URI in {OriginalUriHeader} (nginx) or {ForwardedUriHeader} (Traefik, Caddy).");
        }

        var proposal = rules.Match(originalUri);
        var authorization = headers.Authorization.FirstOrDefault();
        var browserSignIn = options.Value.BrowserSignIn.Enabled;
        // A bearer header wins (GateCredential): then the cookie is not even read.
        var cookieToken = browserSignIn && string.IsNullOrEmpty(authorization) ? await GateBrowserSignIn.CookieAccessTokenAsync(context) : null;
        var caller = await tokens.ValidateAsync(GateCredential.Of(authorization, cookieToken));
        var accountId = (caller as GateCaller.Person)?.AccountId;
        var facts = proposal is { } key && caller is not GateCaller.InvalidToken
            ? await cache.GetOrLoadAsync(accountId, key, token => loader.LoadAsync(accountId, key, token), context.RequestAborted)
            : ProposalAccessFacts.Unknown;
        var outcome = GateDecision.Decide(proposal, caller, facts, options.Value.AnonymousOpenData, time.GetUtcNow());

        if (accountId is not null)
            context.Response.Headers[SubjectHeader] = accountId;
        if (proposal is { } named)
            context.Response.Headers[ProposalHeader] = named.ToString();
        Log.GateDecided(logger, outcome.Verdict, Sanitised(originalUri), accountId ?? "-", proposal?.ToString() ?? "-", outcome.Reason);

        switch (outcome.Verdict)
        {
            case GateVerdict.Allow:
                return Results.Ok();
            case GateVerdict.Unauthorized:
                // A browser's navigation without a token: the web server sends it to the sign-in on its own host.
                if (browserSignIn && GateSignInLink.For(originalUri, headers) is { } signIn)
                    context.Response.Headers[GateSignInLink.Header] = signIn;
                // RFC 6750 §3: no error attribute when no token was given; invalid_token when one was and is refused.
                context.Response.Headers.WWWAuthenticate = outcome.BearerError is { } error
                    ? $"Bearer realm=\"aaiproxy-gate\", error=\"{error}\", error_description=\"The access token is not valid for this download service.\""
                    : "Bearer realm=\"aaiproxy-gate\"";
                return Results.Unauthorized();
            default:
                return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
    }

    // The URI is the caller's text: bounded and without control characters in the log.
    private static string Sanitised(string text) =>
        new([.. text.Take(300).Select(c => char.IsControl(c) ? '?' : c)]);
}
