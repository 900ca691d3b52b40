using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Tests;

/// <summary>docs/claims.md, discovery, issued tokens and userinfo all say what the one claim table says.</summary>
public sealed class ClaimTableTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string AllScopes =
        "openid profile email aarc voperson_id eduperson_entitlement eduperson_scoped_affiliation eduperson_assurance proposals offline_access";

    private const string TableBegin = "<!-- claim-table:begin -->\n";
    private const string TableEnd = "<!-- claim-table:end -->";

    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public void Docs_claims_md_shows_the_claim_table()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "claims.md")).ReplaceLineEndings("\n");
        var begin = docs.IndexOf(TableBegin, StringComparison.Ordinal);
        var end = docs.IndexOf(TableEnd, StringComparison.Ordinal);

        Assert.True(begin >= 0 && end > begin, "docs/claims.md has no claim-table markers.");
        Assert.Equal(ClaimTable.ToMarkdown(), docs[(begin + TableBegin.Length)..end]);
    }

    [Fact]
    public async Task Discovery_lists_exactly_the_table_claims_and_scopes()
    {
        var discovery = await _oidc.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        // OpenIddict adds the JWT registered claims it always writes.
        string[] registered = ["aud", "exp", "iat", "iss"];
        Assert.Equal(
            ClaimTable.Claims.Select(claim => claim.Name).Concat(registered).Order(StringComparer.Ordinal),
            Strings(discovery.GetProperty("claims_supported")).Order(StringComparer.Ordinal));
        Assert.Equal(ClaimTable.Scopes.Order(StringComparer.Ordinal), Strings(discovery.GetProperty("scopes_supported")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("bob")] // one affiliation: still a JSON array everywhere
    public async Task Each_released_claim_has_its_table_json_type_in_id_token_access_token_and_userinfo(string user)
    {
        var tokens = await _oidc.CodeFlowAsync(user, AllScopes);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var documents = new Dictionary<ClaimDestinations, JsonElement>
        {
            [ClaimDestinations.IdToken] = Payload(tokens.GetProperty("id_token").GetString()!),
            [ClaimDestinations.AccessToken] = Payload(accessToken),
            [ClaimDestinations.UserInfo] = await _oidc.UserInfoAsync(accessToken),
        };

        foreach (var (destination, document) in documents)
        {
            foreach (var claim in ClaimTable.Claims)
            {
                var present = document.TryGetProperty(claim.Name, out var value);
                Assert.True(!present || claim.Destinations.HasFlag(destination), $"{claim.Name} must not be in the {destination}.");
                if (present)
                {
                    Assert.True(HasType(value, claim.Type), $"{claim.Name} in the {destination} is {value}, not {claim.Type}.");
                }
            }

            // What the demo users have under these scopes is released.
            foreach (var name in new[] { "sub", "name", "preferred_username", "email", "email_verified", "voperson_id", "eduperson_scoped_affiliation" })
            {
                Assert.True(document.TryGetProperty(name, out _), $"{name} is missing from the {destination} of {user}.");
            }
        }
    }

    [Fact]
    public async Task A_single_value_is_a_one_element_array_in_the_id_token()
    {
        var tokens = await _oidc.CodeFlowAsync("bob", "openid eduperson_scoped_affiliation");

        var affiliations = Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("eduperson_scoped_affiliation");

        Assert.Equal(["student@institute.example.net"], Strings(affiliations));
    }

    [Fact]
    public async Task Entitlements_keep_the_allow_listed_upstream_value_and_the_proxys_own_group_values_but_never_a_forged_one()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid eduperson_entitlement");

        var entitlements = Strings(Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("eduperson_entitlement"));

        // Alice's IdP asserts two: the allow-listed one is kept, the one in the proxy's namespace dropped;
        // the proxy adds its own for her demo proposal team.
        Assert.Contains("urn:mace:dir:entitlement:common-lib-terms", entitlements);
        Assert.DoesNotContain("urn:mace:aaiproxy.example.org:group:beamtime-2024-001:role=member#aai.example.org", entitlements);
        Assert.Contains("urn:mace:aaiproxy.example.org:group:pan:demo:DEMO-2026-017:role=pi#aaiproxy.example.org", entitlements);
    }

    private static bool HasType(JsonElement value, ClaimJsonType type) => type switch
    {
        ClaimJsonType.StringArray => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String),
        ClaimJsonType.ObjectArray => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Object),
        ClaimJsonType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ClaimJsonType.Number => value.ValueKind == JsonValueKind.Number,
        _ => value.ValueKind == JsonValueKind.String,
    };

    internal static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]))).RootElement.Clone();

    internal static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString())];

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AaiProxy.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (AaiProxy.sln) is not above the test binaries.");
    }
}
