using AaiProxy.Groups;
using AaiProxy.Server.Clients;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Tests.Clients;

/// <summary>The registration rules of a managed client, without a server: one valid baseline, tweaked per case.</summary>
public sealed class ClientRulesTests
{
    private const string Resource = "https://catalogue.example.org/";

    private static readonly FacilityCatalog Facilities = new([
        new FacilityOptions { Code = "ess", ProposalIdPattern = "^\\d{6}$" }.ToFacility("pan"),
        new FacilityOptions { Code = "ill", ProposalIdPattern = "^\\d{6}$" }.ToFacility("pan"),
    ]);

    private static readonly ClientInput Baseline = new()
    {
        ClientId = "scicat-ess", ClientName = "ESS data catalogue", ClientType = "confidential", Facility = "ess",
        RedirectUris = ["https://scicat.ess.example.org/auth/callback"], GrantTypes = ["authorization_code", "refresh_token"],
        Scopes = ["openid", "proposals"], Resources = [Resource], RequirePkce = false,
        Groups = new GroupsInput { Facilities = ["ess"], PlainClaimName = "accessGroups" },
    };

    private static ClientRuleContext FacilityAdmin(bool allowInsecureHttp = false) =>
        new(new HashSet<string> { Resource, "urn:aaiproxy:api" }, "urn:aaiproxy:api", Facilities, ["ess"], allowInsecureHttp);

    private static (ClientOptions? Client, List<ManagementProblem> Problems) Validate(ClientInput input, ClientRuleContext? context = null)
    {
        var problems = new List<ManagementProblem>();
        return (ClientRules.Validate(input, context ?? FacilityAdmin(), problems), problems);
    }

    [Fact]
    public void The_baseline_maps_to_the_settings_a_declared_client_would_have()
    {
        var (client, problems) = Validate(Baseline);

        Assert.Empty(problems);
        Assert.Equal(("scicat-ess", ClientType.Confidential, false), (client!.ClientId, client.Type, client.RequirePkce));
        Assert.Equal(["https://scicat.ess.example.org/auth/callback"], client.RedirectUris);
        Assert.Equal(("accessGroups", PlainGroupsValueForm.ProposalId), (client.Groups!.PlainClaim!.Name, client.Groups.PlainClaim.Form));
        Assert.Equal(AccessTokenFormat.Jwt, client.AccessTokenFormat);
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "redirect_uris", ClientProblemCodes.InvalidRedirectUri, "http://scicat.ess.example.org/auth/callback" },
        { "redirect_uris", ClientProblemCodes.InvalidRedirectUri, "https://scicat.ess.example.org/auth/callback#x" },
        { "redirect_uris", ClientProblemCodes.InvalidRedirectUri, "https://user@scicat.ess.example.org/auth/callback" },
        { "redirect_uris", ClientProblemCodes.InvalidRedirectUri, "{origin}/auth/callback" },
        { "redirect_uris", ClientProblemCodes.InvalidRedirectUri, "/auth/callback" },
        { "redirect_uris", ClientProblemCodes.InvalidRedirectUri, "org.example.app:/callback" }, // private-use: native clients only
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses_a_redirect_uri_that_cannot_be_matched_exactly_and_safely(string field, string code, string uri)
    {
        var (client, problems) = Validate(Baseline with { RedirectUris = [uri] });

        Assert.Null(client);
        Assert.Equal((field, code), (Assert.Single(problems).Field, problems[0].Code));
    }

    [Theory]
    [InlineData("http://127.0.0.1/callback", false)]
    [InlineData("http://localhost:8400/callback", false)]
    [InlineData("http://scicat.internal/callback", true)]
    public void Accepts_plain_http_on_loopback_and_anywhere_only_when_insecure_http_is_allowed(string uri, bool allowInsecureHttp)
    {
        var (client, problems) = Validate(Baseline with { RedirectUris = [uri] }, FacilityAdmin(allowInsecureHttp));

        Assert.Empty(problems);
        Assert.Equal([uri], client!.RedirectUris);
    }

    [Fact]
    public void Refuses_resources_outside_the_deployment_and_the_management_api()
    {
        var (_, problems) = Validate(Baseline with { Resources = ["https://elsewhere.example.org/", "urn:aaiproxy:api"] });

        Assert.Equal([ClientProblemCodes.UnknownResource, ClientProblemCodes.UnknownResource], problems.Select(problem => problem.Code));
    }

    [Fact]
    public void A_facility_admin_gives_no_other_facilitys_groups_and_never_all_groups()
    {
        var (_, problems) = Validate(Baseline with
        {
            Groups = new GroupsInput { AllGroups = true, Facilities = ["ill"], GroupPrefixes = ["/pan/ill/team"] },
        });
        var (platform, none) = Validate(Baseline with { Groups = new GroupsInput { Facilities = ["ill"] } }, FacilityAdmin() with { AdministeredFacilities = null });

        Assert.Equal(["groups.all_groups", "groups.facilities", "groups.group_prefixes"], problems.Select(problem => problem.Field));
        Assert.All(problems, problem => Assert.Equal(ClientProblemCodes.GroupsOutsideFacility, problem.Code));
        Assert.Empty(none);
        Assert.Equal(["ill"], platform!.Groups!.Facilities);
    }

    [Fact]
    public void The_rules_of_declared_clients_apply_too()
    {
        var (_, problems) = Validate(Baseline with { ClientType = "public", RequirePkce = false });

        var problem = Assert.Single(problems);
        Assert.Equal(("client", ClientProblemCodes.InvalidClientMetadata), (problem.Field, problem.Code));
        Assert.Contains("RequirePkce", problem.Message);
    }
}
