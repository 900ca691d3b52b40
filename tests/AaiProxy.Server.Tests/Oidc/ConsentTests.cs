using System.Net;
using System.Text.Json;
using AaiProxy.Identity;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>The demo portal as a client the facility does not run (explicit consent), and people of these tests' own.</summary>
public sealed class ConsentFixture : ProxyFixture
{
    /// <summary>demo.json has alice, bob, carol, dana (0–3); these follow, one or two per test.</summary>
    public static readonly string[] People = ["cora", "dirk", "emil", "fay", "gus", "hana", "ines", "jon", "kai"];

    protected override IReadOnlyDictionary<string, string> Overrides
    {
        get
        {
            var settings = new Dictionary<string, string> { ["AaiProxy:Clients:0:FacilityInternal"] = "false" };
            for (var i = 0; i < People.Length; i++)
            {
                var key = $"AaiProxy:Demo:Users:{i + 4}";
                settings[$"{key}:Username"] = People[i];
                settings[$"{key}:DisplayName"] = People[i] + " Consent";
                settings[$"{key}:Attributes:subject_id:0"] = $"{People[i]}@consent.example.org";
                settings[$"{key}:Attributes:given_name:0"] = People[i];
                settings[$"{key}:Attributes:email:0"] = $"{People[i]}@consent.example.org";
            }

            return settings;
        }
    }
}

/// <summary>The release notice at a client's first use, stored consent, its refusal and its withdrawal at <c>/account</c>.</summary>
public sealed class ConsentTests(ConsentFixture fixture) : IClassFixture<ConsentFixture>
{
    private const string Scope = "openid profile offline_access";

    [Fact]
    public async Task First_use_shows_the_client_and_what_is_released_and_allow_issues_the_code_and_is_audited()
    {
        var request = await AuthorizeAsync("cora");

        var page = await ConsentPageOf(request.Response);
        Assert.Contains("Demo data portal", page, StringComparison.Ordinal);
        Assert.Contains("data-claim=\"given_name\">cora<", page, StringComparison.Ordinal);
        Assert.Contains("data-claim=\"sub\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-claim=\"email\"", page, StringComparison.Ordinal); // not requested
        Assert.DoesNotContain(CommunityPrincipalFactory.LinkIdClaim, page, StringComparison.Ordinal);
        Assert.Contains("data-consent-offline-access", page, StringComparison.Ordinal);

        var tokens = await AllowAndRedeemAsync(request, page);

        var sub = Subject(tokens);
        var audit = await WithDbAsync(fixture.Factory, db => db.AuditEvents.SingleAsync(entry => entry.Action == AuditActions.ConsentGranted && entry.Target == sub));
        Assert.Equal(AuditActors.Person(sub), audit.Actor);
        Assert.Contains(OidcTestClient.PortalClientId, audit.Details, StringComparison.Ordinal);
        Assert.Contains("offline_access openid profile", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_login_does_not_ask_again()
    {
        var first = await AuthorizeAsync("dirk");
        await AllowAndRedeemAsync(first, await ConsentPageOf(first.Response));

        var later = await AuthorizeAsync("dirk"); // another browser: a new login

        Assert.True(OidcTestClient.Query(CallbackOf(later.Response)).ContainsKey("code"));
    }

    [Fact]
    public async Task Deny_ends_at_the_client_with_access_denied_and_stores_no_consent()
    {
        var request = await AuthorizeAsync("emil");
        var page = await ConsentPageOf(request.Response);

        using var denied = await PostAsync(request.Browser, page, ConnectEndpoints.Authorization, (ConsentPage.DecisionParameter, ConsentDecision.Deny));

        var callback = CallbackOf(denied);
        Assert.Equal("access_denied", OidcTestClient.Query(callback)["error"]);
        Assert.Equal(request.State, OidcTestClient.Query(callback)["state"]);
        Assert.Empty(await PermanentAuthorizationsAsync("emil"));
    }

    [Fact]
    public async Task Prompt_none_without_a_consent_answers_consent_required()
    {
        var signedIn = await AuthorizeAsync("fay");
        await ConsentPageOf(signedIn.Response); // signed in now, consent not given

        var silent = await AuthorizeAsync("fay", prompt: "none", browser: signedIn.Browser);

        Assert.Equal("consent_required", OidcTestClient.Query(CallbackOf(silent.Response))["error"]);
    }

    [Fact]
    public async Task Prompt_consent_asks_again_although_a_consent_is_stored()
    {
        var first = await AuthorizeAsync("gus");
        await AllowAndRedeemAsync(first, await ConsentPageOf(first.Response));

        var again = await AuthorizeAsync("gus", prompt: "consent", browser: first.Browser);
        await ConsentPageOf(again.Response);
        var afterLogin = await AuthorizeAsync("gus", prompt: "login consent"); // prompt=consent outlives the login it also asks for
        await ConsentPageOf(afterLogin.Response);
    }

    [Fact]
    public async Task A_scope_the_stored_consent_does_not_cover_asks_again_and_then_both_are_covered()
    {
        var first = await AuthorizeAsync("hana", scope: "openid profile");
        await AllowAndRedeemAsync(first, await ConsentPageOf(first.Response));

        var wider = await AuthorizeAsync("hana", scope: "openid profile email", browser: first.Browser);
        var page = await ConsentPageOf(wider.Response);
        Assert.Contains("data-claim=\"email\">hana@consent.example.org<", page, StringComparison.Ordinal);
        await AllowAndRedeemAsync(wider, page);

        var narrower = await AuthorizeAsync("hana", scope: "openid email", browser: first.Browser);
        Assert.True(OidcTestClient.Query(CallbackOf(narrower.Response)).ContainsKey("code"));
        Assert.Equal(["email", "openid", "profile"], Assert.Single(await PermanentAuthorizationsAsync("hana")).Order());
    }

    [Fact]
    public async Task A_facility_internal_client_never_asks()
    {
        var pkce = OidcTestClient.NewPkce();
        var browser = fixture.Factory.CreateBrowser();
        var url = QueryHelpers.AddQueryString(ConnectEndpoints.Authorization, new Dictionary<string, string?>
        {
            ["client_id"] = ProxyFactory.WebAppClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = ProxyFactory.WebAppRedirectUri,
            ["scope"] = "openid profile",
            ["state"] = "internal",
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        });

        var callback = await OidcTestClient.AuthorizeAsync(browser, url, "ines");

        Assert.StartsWith(ProxyFactory.WebAppRedirectUri, callback.AbsoluteUri, StringComparison.Ordinal);
        Assert.True(OidcTestClient.Query(callback).ContainsKey("code"));
        Assert.Empty(await PermanentAuthorizationsAsync("ines"));
    }

    [Fact]
    public async Task Withdrawing_a_consent_at_the_account_page_fails_the_refresh_token_and_the_next_login_asks_again()
    {
        var request = await AuthorizeAsync("jon");
        var tokens = await AllowAndRedeemAsync(request, await ConsentPageOf(request.Response));
        var account = await PageAsync(request.Browser, AccountPage.Path);
        Assert.Contains($"data-consent=\"{OidcTestClient.PortalClientId}\"", account, StringComparison.Ordinal);

        using var withdrawn = await PostAsync(request.Browser, account, AccountPage.RevokeConsentPath);

        Assert.EndsWith("notice=consent-revoked", withdrawn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var (status, body) = await new OidcTestClient(fixture.Factory).TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.DoesNotContain("data-consent=", await PageAsync(request.Browser, AccountPage.Path), StringComparison.Ordinal);
        var sub = Subject(tokens);
        Assert.Equal(1, await WithDbAsync(fixture.Factory, db => db.AuditEvents.CountAsync(entry =>
            entry.Action == AuditActions.ConsentRevoked && entry.Target == sub && entry.Actor == AuditActors.Person(sub))));

        var next = await AuthorizeAsync("jon", browser: request.Browser);
        await ConsentPageOf(next.Response);
    }

    [Fact]
    public async Task An_answer_without_the_antiforgery_token_is_refused_and_stores_nothing()
    {
        var request = await AuthorizeAsync("kai");
        var page = await ConsentPageOf(request.Response);
        var fields = Form(page, ConnectEndpoints.Authorization)
            .Where(field => OidcTestClient.AuthorizationRequest(request.Pkce).ContainsKey(field.Key))
            .Append(KeyValuePair.Create(ConsentPage.DecisionParameter, ConsentDecision.Allow));

        using var answer = await request.Browser.PostAsync(ConnectEndpoints.Authorization, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("invalid_consent_request", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await PermanentAuthorizationsAsync("kai"));
    }

    private sealed record Authorization(HttpClient Browser, Pkce Pkce, string State, HttpResponseMessage Response);

    /// <summary>A demo-portal authorization request in <paramref name="browser"/> (a new one: a new login as <paramref name="user"/>),
    /// up to the proxy's answer after any login.</summary>
    private async Task<Authorization> AuthorizeAsync(string user, string scope = Scope, string? prompt = null, HttpClient? browser = null)
    {
        browser ??= fixture.Factory.CreateBrowser();
        var pkce = OidcTestClient.NewPkce();
        var request = OidcTestClient.AuthorizationRequest(pkce, scope);
        if (prompt is not null)
        {
            request["prompt"] = prompt;
        }

        var response = await browser.GetAsync(QueryHelpers.AddQueryString(ConnectEndpoints.Authorization, request));
        if (response.StatusCode == HttpStatusCode.Redirect && new Uri(browser.BaseAddress!, response.Headers.Location!) is var location &&
            UpstreamLogin.IsUpstreamLoginStart(location))
        {
            response.Dispose();
            response = await browser.GetAsync(await UpstreamLogin.SignInAsync(browser, location, user));
        }

        return new Authorization(browser, pkce, request["state"]!, response);
    }

    private static async Task<string> ConsentPageOf(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && html.Contains("data-consent-client", StringComparison.Ordinal),
            $"Expected the release notice, got {(int)response.StatusCode} {response.Headers.Location}");
        return html;
    }

    private static Uri CallbackOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(OidcTestClient.PortalRedirectUri, response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        return response.Headers.Location!;
    }

    private async Task<JsonElement> AllowAndRedeemAsync(Authorization request, string page)
    {
        using var allowed = await PostAsync(request.Browser, page, ConnectEndpoints.Authorization, (ConsentPage.DecisionParameter, ConsentDecision.Allow));
        var (status, body) = await new OidcTestClient(fixture.Factory).TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = OidcTestClient.Query(CallbackOf(allowed))["code"],
            ["redirect_uri"] = OidcTestClient.PortalRedirectUri,
            ["client_id"] = OidcTestClient.PortalClientId,
            ["code_verifier"] = request.Pkce.Verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>The scopes of each valid stored consent of the demo person <paramref name="user"/>.</summary>
    private async Task<List<IReadOnlyList<string>>> PermanentAuthorizationsAsync(string user)
    {
        var accountId = await WithDbAsync(fixture.Factory, db => db.UpstreamLinks
            .Where(link => link.Subject == $"{user}@consent.example.org").Select(link => link.AccountId).SingleAsync());
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var found = new List<IReadOnlyList<string>>();
        await foreach (var authorization in authorizations.FindAsync(accountId, null, OpenIddictConstants.Statuses.Valid,
                           OpenIddictConstants.AuthorizationTypes.Permanent, null, CancellationToken.None))
        {
            found.Add(await authorizations.GetScopesAsync(authorization, CancellationToken.None));
        }

        return found;
    }

    private static string Subject(JsonElement tokens) => new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject;
}
