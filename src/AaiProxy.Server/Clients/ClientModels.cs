using System.Text.Json.Serialization;
using AaiProxy.Groups;
using AaiProxy.Server.Configuration;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Clients;

/// <summary>
/// A client's registration as the REST API, the admin pages and the operator CLI give and show it (names after OAuth
/// dynamic client registration, RFC 7591 §2, where one exists). For a change every member is the new value: the API
/// merges a patch (RFC 7396) into the current registration before it comes here.
/// </summary>
public sealed record ClientInput
{
    [JsonPropertyName("client_id")] public string? ClientId { get; init; }

    [JsonPropertyName("client_name")] public string? ClientName { get; init; }

    /// <summary><c>confidential</c> (default: a secret is issued) or <c>public</c> (PKCE, no secret).</summary>
    [JsonPropertyName("client_type")] public string? ClientType { get; init; }

    /// <summary>The facility whose admins manage the client (required unless a platform admin registers it).</summary>
    [JsonPropertyName("facility")] public string? Facility { get; init; }

    [JsonPropertyName("redirect_uris")] public List<string>? RedirectUris { get; init; }

    [JsonPropertyName("post_logout_redirect_uris")] public List<string>? PostLogoutRedirectUris { get; init; }

    [JsonPropertyName("grant_types")] public List<string>? GrantTypes { get; init; }

    [JsonPropertyName("scopes")] public List<string>? Scopes { get; init; }

    /// <summary>Resource indicators (RFC 8707) of services declared in configuration that the client's tokens may be for.</summary>
    [JsonPropertyName("resources")] public List<string>? Resources { get; init; }

    [JsonPropertyName("default_resource")] public string? DefaultResource { get; init; }

    /// <summary>Default true; public clients always use PKCE.</summary>
    [JsonPropertyName("require_pkce")] public bool? RequirePkce { get; init; }

    /// <summary>A program on the person's device (public; loopback redirect URIs on any port).</summary>
    [JsonPropertyName("native")] public bool? Native { get; init; }

    [JsonPropertyName("backchannel_logout_uri")] public string? BackChannelLogoutUri { get; init; }

    [JsonPropertyName("contacts")] public List<string>? Contacts { get; init; }

    [JsonPropertyName("groups")] public GroupsInput? Groups { get; init; }

    /// <summary><c>jwt</c> (default) or <c>reference</c> (opaque access tokens, checked by introspection).</summary>
    [JsonPropertyName("access_token_format")] public string? AccessTokenFormat { get; init; }

    /// <summary>The registration of a stored client (<paramref name="facility"/>: its managing facility).</summary>
    public static ClientInput Of(ClientOptions client, string? facility) => new()
    {
        ClientId = client.ClientId,
        ClientName = client.DisplayName ?? client.ClientId,
        ClientType = client.Type == Configuration.ClientType.Public ? ClientTypes.Public : ClientTypes.Confidential,
        Facility = facility,
        RedirectUris = [.. client.RedirectUris],
        PostLogoutRedirectUris = [.. client.PostLogoutRedirectUris],
        GrantTypes = [.. client.AllowedGrants],
        Scopes = [.. client.AllowedScopes],
        Resources = [.. client.Resources],
        DefaultResource = client.DefaultResource,
        RequirePkce = client.RequirePkce || client.Type == Configuration.ClientType.Public,
        Native = client.Native,
        BackChannelLogoutUri = client.BackChannelLogoutUri,
        Contacts = [.. client.Contacts],
        Groups = client.Groups is { } groups ? GroupsInput.Of(groups) : null,
        AccessTokenFormat = client.AccessTokenFormat == Configuration.AccessTokenFormat.Reference ? AccessTokenFormats.Reference : AccessTokenFormats.Jwt,
    };
}

/// <summary>What the client may see of a person's groups (<see cref="ClientGroupsOptions"/>).</summary>
public sealed record GroupsInput
{
    /// <summary>Every group: platform admins only.</summary>
    [JsonPropertyName("all_groups")] public bool? AllGroups { get; init; }

    /// <summary>Facility codes: each facility's groups (a facility admin: their own facilities only).</summary>
    [JsonPropertyName("facilities")] public List<string>? Facilities { get; init; }

    /// <summary>Group paths (<c>/pan/ess/team</c>): those groups and below.</summary>
    [JsonPropertyName("group_prefixes")] public List<string>? GroupPrefixes { get; init; }

    /// <summary>A plain array claim of the visible groups under this name (e.g. SciCat's <c>accessGroups</c>); null: none.</summary>
    [JsonPropertyName("plain_claim_name")] public string? PlainClaimName { get; init; }

    /// <summary><c>ProposalId</c> (default), <c>GroupPath</c> or <c>Entitlement</c>.</summary>
    [JsonPropertyName("plain_claim_form")] public string? PlainClaimForm { get; init; }

    public static GroupsInput Of(ClientGroupsOptions groups) => new()
    {
        AllGroups = groups.AllGroups,
        Facilities = [.. groups.Facilities],
        GroupPrefixes = [.. groups.GroupPrefixes],
        PlainClaimName = groups.PlainClaim?.Name,
        PlainClaimForm = groups.PlainClaim?.Form.ToString(),
    };
}

public static class AccessTokenFormats
{
    public const string Jwt = "jwt";
    public const string Reference = "reference";
}

/// <summary>A client as shown: its registration, and who manages it.</summary>
/// <param name="ManagedBy"><c>configuration</c> (declared in the configuration files: read-only here), <c>facility:{code}</c> or <c>platform</c>.</param>
public sealed record ClientView(ClientInput Registration, string ManagedBy)
{
    public const string ByConfiguration = "configuration";

    /// <summary>The registration's version (an HTTP ETag's value): changes whenever any of it changes.</summary>
    public string Version { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Registration)))[..32];

    public bool ReadOnly => ManagedBy == ByConfiguration;

    public string ClientId => Registration.ClientId!;

    public static string ManagedByOf(string? facility) => facility is null ? "platform" : $"facility:{facility}";
}

/// <summary>A client just registered, or a secret just rotated: the plain secret is shown this once and stored only hashed.</summary>
public sealed record IssuedClient(ClientView Client, string? ClientSecret);

/// <summary>Stable problem codes of client registration (RFC 7591 §3.2.2 where it names one).</summary>
public static class ClientProblemCodes
{
    public const string InvalidRedirectUri = "invalid_redirect_uri";
    public const string InvalidClientMetadata = "invalid_client_metadata";
    public const string InvalidClientId = "invalid_client_id";
    public const string UnknownResource = "unknown_resource";
    public const string UnknownScope = "unknown_scope";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string InvalidContact = "invalid_contact";
    public const string InvalidFacility = "invalid_facility";
    public const string GroupsOutsideFacility = "groups_outside_facility";
    public const string Immutable = "immutable";
}
