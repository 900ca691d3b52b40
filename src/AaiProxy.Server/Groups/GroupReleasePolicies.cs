using AaiProxy.Groups;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Groups;

/// <summary>
/// The configured facilities, entitlement form and per-client group policies: the one place that
/// decides what a client may see of a person's groups and which claims (the table's, and its plain
/// groups claim under its configured name) the client can receive.
/// </summary>
internal sealed class GroupReleasePolicies
{
    private readonly ClientCatalog _clients;

    public GroupReleasePolicies(IOptions<ProxyOptions> options, ClientCatalog clients)
    {
        _clients = clients;
        var proxy = options.Value;
        Facilities = new FacilityCatalog(proxy.Facilities.Select(facility => facility.ToFacility(proxy.Groups.Community)));
        Entitlements = proxy.Groups.Entitlements;
    }

    public FacilityCatalog Facilities { get; }

    public EntitlementOptions Entitlements { get; }

    /// <summary>The client's policy; null for a client that declares none (it sees no groups).</summary>
    public ClientGroupPolicy? For(string clientId) => _clients.Find(clientId)?.Groups?.ToPolicy();

    /// <summary>The claims <paramref name="clientId"/> can receive (<see cref="ClaimTable.ForClient"/>).</summary>
    public IReadOnlyList<ClaimDefinition> ClaimsFor(string? clientId) =>
        ClaimTable.ForClient(clientId is not null && For(clientId)?.PlainGroups is { } plain ? plain.Name : null);
}
