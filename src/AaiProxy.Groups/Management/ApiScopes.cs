namespace AaiProxy.Groups.Management;

/// <summary>The OAuth scopes of the group management API; a token with one of them is for the API's resource (<c>AaiProxy:Api:Resource</c>).</summary>
public static class ApiScopes
{
    public const string GroupsRead = "groups:read";
    public const string GroupsWrite = "groups:write";
    public const string ProposalsWrite = "proposals:write";
    public const string Scim = "scim";
    public const string ClientsRead = "clients:read";
    public const string ClientsWrite = "clients:write";

    public static IReadOnlyList<string> All { get; } = [GroupsRead, GroupsWrite, ProposalsWrite, Scim, ClientsRead, ClientsWrite];

    /// <summary>What each scope allows, for the scope store and the OpenAPI document.</summary>
    public static string Describe(string scope) => scope switch
    {
        GroupsRead => "Read groups, memberships, proposals, facility user ids and people (within the caller's rights).",
        GroupsWrite => "Create, change and delete groups and memberships.",
        ProposalsWrite => "Create, change, delete and import proposals; keep facility user ids.",
        Scim => "SCIM 2.0 provisioning of users and groups.",
        ClientsRead => "Read the registrations of the OIDC clients the caller manages (facility and platform admins).",
        ClientsWrite => "Register OIDC clients, change them and rotate their secrets (facility and platform admins).",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };
}
