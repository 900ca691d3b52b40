using System.Net.Mail;
using System.Text.RegularExpressions;
using AaiProxy.Groups;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Oidc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Clients;

/// <summary>What a registration is checked against: the services declared in configuration and who registers.</summary>
/// <param name="RegisteredResources">Resource indicators some declared client may ask for (the services of the deployment).</param>
/// <param name="ApiResource">The proxy's own management API: never a managed client's resource.</param>
/// <param name="AdministeredFacilities">The registering actor's facilities; null for a platform admin or operator (every facility).</param>
/// <param name="AllowInsecureHttp">Plain-HTTP URIs on any host (development and the demo); otherwise only on loopback.</param>
internal sealed record ClientRuleContext(
    IReadOnlySet<string> RegisteredResources, string ApiResource, FacilityCatalog Facilities,
    IReadOnlyList<string>? AdministeredFacilities, bool AllowInsecureHttp);

/// <summary>
/// Validates a registration of a managed client and maps it to the <see cref="ClientOptions"/> a declared client would have:
/// first the rules only a registration made at run time needs (exact redirect URIs without the configuration's
/// <c>{origin}</c>, resources and group visibility limited to what the registrant may give), then every rule of a declared
/// client (<see cref="ProxyOptionsValidator.ValidateClient"/>, <see cref="GroupOptionsValidation.ValidateClientGroups"/>).
/// Each problem names its field and a stable code.
/// </summary>
internal static partial class ClientRules
{
    private const int MaxNameLength = 100;
    private const int MaxContacts = 10;

    public static ClientOptions? Validate(ClientInput input, ClientRuleContext context, List<ManagementProblem> problems)
    {
        var clientId = input.ClientId ?? "";
        if (!ClientIdSyntax().IsMatch(clientId))
            problems.Add(new("client_id", ClientProblemCodes.InvalidClientId,
                "A client id has 3 to 64 letters, digits, '.', '_' or '-', and starts with a letter or digit."));
        var name = input.ClientName ?? clientId;
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl) || name.Trim() != name)
            problems.Add(new("client_name", ClientProblemCodes.InvalidClientMetadata,
                $"A client name has 1 to {MaxNameLength} characters, no control characters and no surrounding spaces."));

        var type = input.ClientType switch
        {
            null or ClientTypes.Confidential => ClientType.Confidential,
            ClientTypes.Public => ClientType.Public,
            _ => (ClientType?)null,
        };
        if (type is null)
            problems.Add(new("client_type", ClientProblemCodes.InvalidClientMetadata, "client_type is 'confidential' or 'public'."));

        CheckFacility(input.Facility, context, problems);
        var native = input.Native == true;
        CheckUris("redirect_uris", input.RedirectUris ?? [], native, context, problems);
        CheckUris("post_logout_redirect_uris", input.PostLogoutRedirectUris ?? [], native, context, problems);
        if (input.BackChannelLogoutUri is { } logout && !IsWebUri(logout, context.AllowInsecureHttp))
            problems.Add(new("backchannel_logout_uri", ClientProblemCodes.InvalidClientMetadata,
                $"'{logout}' is not an absolute https URI without a fragment (http only on loopback)."));

        var grants = ProxyOptionsValidator.SupportedGrants;
        foreach (var grant in (input.GrantTypes ?? []).Where(grant => !grants.Contains(grant)))
            problems.Add(new("grant_types", ClientProblemCodes.UnsupportedGrantType, $"Grant '{grant}' is not offered; use any of {string.Join(", ", grants)}."));
        foreach (var scope in (input.Scopes ?? []).Where(scope => !ClaimTable.Scopes.Contains(scope)))
            problems.Add(new("scopes", ClientProblemCodes.UnknownScope, $"Scope '{scope}' is unknown; known scopes: {string.Join(' ', ClaimTable.Scopes)}."));
        foreach (var resource in (input.Resources ?? []).Where(resource => !context.RegisteredResources.Contains(resource) || resource == context.ApiResource))
            problems.Add(new("resources", ClientProblemCodes.UnknownResource,
                $"'{resource}' is not a service of this deployment (a resource declared in configuration)."));
        foreach (var contact in (input.Contacts ?? []).Where(contact => !IsMailAddress(contact)))
            problems.Add(new("contacts", ClientProblemCodes.InvalidContact, $"'{contact}' is not an e-mail address."));
        if (input.Contacts?.Count > MaxContacts)
            problems.Add(new("contacts", ClientProblemCodes.InvalidContact, $"At most {MaxContacts} contacts."));

        var format = input.AccessTokenFormat switch
        {
            null or AccessTokenFormats.Jwt => AccessTokenFormat.Jwt,
            AccessTokenFormats.Reference => AccessTokenFormat.Reference,
            _ => (AccessTokenFormat?)null,
        };
        if (format is null)
            problems.Add(new("access_token_format", ClientProblemCodes.InvalidClientMetadata, "access_token_format is 'jwt' or 'reference'."));

        var groups = input.Groups is { } requested ? Groups(requested, context, problems) : null;
        if (problems.Count > 0)
            return null;

        var client = new ClientOptions
        {
            ClientId = clientId,
            DisplayName = name,
            Type = type!.Value,
            Native = native,
            RedirectUris = [.. input.RedirectUris ?? []],
            PostLogoutRedirectUris = [.. input.PostLogoutRedirectUris ?? []],
            BackChannelLogoutUri = input.BackChannelLogoutUri,
            AllowedGrants = [.. (input.GrantTypes ?? []).Distinct(StringComparer.Ordinal)],
            AllowedScopes = [.. (input.Scopes ?? []).Distinct(StringComparer.Ordinal)],
            RequirePkce = input.RequirePkce ?? true,
            Resources = [.. (input.Resources ?? []).Distinct(StringComparer.Ordinal)],
            DefaultResource = input.DefaultResource,
            Contacts = [.. input.Contacts ?? []],
            Groups = groups,
            AccessTokenFormat = format!.Value,
        };

        // The secret is issued by the service: the declared-client rules see one where the client is confidential.
        var checkable = ClientDescriber.Copy(client);
        checkable.ClientSecret = checkable.Type == ClientType.Confidential ? "issued-by-the-service" : null;
        problems.AddRange(ProxyOptionsValidator.ValidateClient("client", checkable)
            .Select(message => new ManagementProblem("client", ClientProblemCodes.InvalidClientMetadata, message)));
        return problems.Count > 0 ? null : client;
    }

    private static void CheckFacility(string? facility, ClientRuleContext context, List<ManagementProblem> problems)
    {
        if (facility is null)
        {
            if (context.AdministeredFacilities is not null)
                problems.Add(new("facility", ClientProblemCodes.InvalidFacility, "Name the facility whose admins manage this client."));
            return;
        }

        if (context.Facilities.Find(facility) is null)
            problems.Add(new("facility", ClientProblemCodes.InvalidFacility, $"No facility has the code '{facility}'."));
    }

    // RFC 6749 §3.1.2, RFC 8252 §7: absolute, no fragment, registered exactly (no placeholder or wildcard); https, or http on
    // loopback; a native program may use its private-use scheme (com.example.app:/callback).
    private static void CheckUris(string field, IReadOnlyList<string> uris, bool native, ClientRuleContext context, List<ManagementProblem> problems)
    {
        foreach (var uri in uris)
        {
            var privateUse = native && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme.Contains('.', StringComparison.Ordinal) &&
                             parsed.Fragment.Length == 0;
            if (!privateUse && (!IsWebUri(uri, context.AllowInsecureHttp) || uri.Contains('*', StringComparison.Ordinal) ||
                                uri.Contains(ClientOptions.OriginPlaceholder, StringComparison.Ordinal)))
                problems.Add(new(field, ClientProblemCodes.InvalidRedirectUri,
                    $"'{uri}' is not an absolute https URI without fragment, user name or wildcard (http only on loopback), registered as it will be sent."));
        }
    }

    private static bool IsWebUri(string uri, bool allowInsecureHttp) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0 && parsed.UserInfo.Length == 0 &&
        !uri.Contains('{', StringComparison.Ordinal) &&
        (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && (allowInsecureHttp || RedirectUriMatch.Loopback(uri) is not null)));

    private static bool IsMailAddress(string text) =>
        MailAddress.TryCreate(text, out var address) && address.Address == text && address.DisplayName.Length == 0;

    private static ClientGroupsOptions Groups(GroupsInput requested, ClientRuleContext context, List<ManagementProblem> problems)
    {
        var administered = context.AdministeredFacilities;
        var groups = new ClientGroupsOptions
        {
            AllGroups = requested.AllGroups == true,
            Facilities = [.. (requested.Facilities ?? []).Distinct(StringComparer.Ordinal)],
            GroupPrefixes = [.. (requested.GroupPrefixes ?? []).Distinct(StringComparer.Ordinal)],
        };
        if (requested.PlainClaimName is { Length: > 0 } claim)
        {
            if (Enum.TryParse<PlainGroupsValueForm>(requested.PlainClaimForm ?? nameof(PlainGroupsValueForm.ProposalId), ignoreCase: true, out var form) &&
                !int.TryParse(requested.PlainClaimForm, out _))
                groups.PlainClaim = new PlainGroupsClaimOptions { Name = claim, Form = form };
            else
                problems.Add(new("groups.plain_claim_form", ClientProblemCodes.InvalidClientMetadata, "plain_claim_form is ProposalId, GroupPath or Entitlement."));
        }

        var codes = context.Facilities.All.Select(facility => facility.Code).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(GroupOptionsValidation.ValidateClientGroups("groups", groups, codes)
            .Select(message => new ManagementProblem("groups", ClientProblemCodes.InvalidClientMetadata, message)));
        if (administered is null)
            return groups;

        // A facility admin gives a service no more than their own facilities' groups.
        if (groups.AllGroups)
            problems.Add(new("groups.all_groups", ClientProblemCodes.GroupsOutsideFacility, "Only platform admins let a client see every group."));
        foreach (var code in groups.Facilities.Where(code => !administered.Contains(code, StringComparer.Ordinal)))
            problems.Add(new("groups.facilities", ClientProblemCodes.GroupsOutsideFacility, $"You do not administer facility '{code}'."));
        var paths = administered.Select(context.Facilities.Find).OfType<Facility>().Select(facility => facility.Path).ToList();
        foreach (var prefix in groups.GroupPrefixes.Where(prefix => !Within(prefix, paths)))
            problems.Add(new("groups.group_prefixes", ClientProblemCodes.GroupsOutsideFacility, $"'{prefix}' is not below a facility you administer."));
        return groups;
    }

    private static bool Within(string prefix, IReadOnlyList<GroupPath> paths)
    {
        try
        {
            var path = GroupPath.Parse(prefix);
            return paths.Any(path.IsWithin);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return true; // not a group path at all: ValidateClientGroups has said so
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")]
    private static partial Regex ClientIdSyntax();
}
