using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests;

/// <summary>Facilities and client group policies are checked at start, with messages that name the key.</summary>
public sealed class GroupOptionsTests
{
    private static ProxyOptions Valid() => new()
    {
        Groups = new GroupsOptions { Entitlements = { Namespace = "urn:geant:aai.example.org", Authority = "aai.example.org" } },
        Facilities = [new FacilityOptions { Code = "ess", Name = "European Spallation Source", ProposalIdPattern = @"^\d{8}$" }],
        Clients = [new ClientOptions { ClientId = "scicat", Groups = new ClientGroupsOptions { Facilities = ["ess"], PlainClaim = new() { Name = "accessGroups" } } }],
    };

    [Fact]
    public void Accepts_a_facility_and_a_client_policy_for_it()
    {
        Assert.Empty(GroupOptionsValidation.Validate(Valid()));
    }

    [Fact]
    public void Refuses_a_bad_facility_and_client_policy_naming_each_key()
    {
        var options = Valid();
        options.Facilities.Add(new FacilityOptions { Code = "ESS", Name = "", ProposalIdPattern = "(", EmbargoMonths = -1 });
        options.Clients[0].Groups = new ClientGroupsOptions
        {
            Facilities = ["nope"], GroupPrefixes = ["pan/ess"], ByteBudget = 10, PlainClaim = new() { Name = "eduperson_entitlement" },
        };

        var failures = GroupOptionsValidation.Validate(options).ToList();

        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Facilities:1:Code must be a short lower-case code"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Facilities:1:Name is required"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Facilities:1:ProposalIdPattern must be a regular expression"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Facilities:1:EmbargoMonths"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Clients:0:Groups:Facilities has 'nope'"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Clients:0:Groups:GroupPrefixes has 'pan/ess'"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Clients:0:Groups:ByteBudget"));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Clients:0:Groups:PlainClaim:Name 'eduperson_entitlement'"));
    }

    [Fact]
    public void Refuses_an_entitlement_authority_missing_while_facilities_are_configured()
    {
        var options = Valid();
        options.Groups.Entitlements.Authority = null;

        Assert.Contains(GroupOptionsValidation.Validate(options), f => f.StartsWith("AaiProxy:Groups:Entitlements:Authority"));
    }

    [Fact]
    public void Refuses_a_group_entitlement_namespace_upstream_values_are_not_dropped_from()
    {
        var claims = new ClaimsOptions { EntitlementNamespaces = ["urn:geant:other.example.org"] };

        var result = new ClaimsOptionsValidator(Options.Create(Valid())).Validate(null, claims);

        Assert.Contains("AaiProxy:Groups:Entitlements:Namespace 'urn:geant:aai.example.org' must be one of", Assert.Single(result.Failures!));
    }
}
