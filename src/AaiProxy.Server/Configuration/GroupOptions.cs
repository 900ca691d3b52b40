using System.Text.RegularExpressions;
using AaiProxy.Groups;
using AaiProxy.Identity;

namespace AaiProxy.Server.Configuration;

/// <summary>Groups and entitlements: configuration section <c>AaiProxy:Groups</c>.</summary>
public sealed class GroupsOptions
{
    /// <summary>The community's root group: every facility's group sits below it (<c>/pan/ess</c>).</summary>
    public string Community { get; set; } = "pan";

    /// <summary>How the proxy writes its AARC-G069 entitlements. The namespace must be one of <c>AaiProxy:Claims:EntitlementNamespaces</c>.</summary>
    public EntitlementOptions Entitlements { get; set; } = new();

    /// <summary>How long an e-mailed invitation's link stays valid.</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Members and managers are mailed this many days before a membership ends (once per end date); 0: no reminders.</summary>
    public int ExpiryReminderDays { get; set; } = 14;

    /// <summary>How often the reminder service looks for memberships that are due.</summary>
    public TimeSpan ExpiryReminderInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Community ids (account ids, the <c>sub</c>) of the platform admins: they may manage every group, proposal and facility,
    /// and they are the proxy's administrators of accounts (<c>/admin/accounts</c>: suspend, reactivate, merge).</summary>
    public List<string> PlatformAdmins { get; set; } = [];

    public bool IsPlatformAdmin(string? accountId) => accountId is not null && PlatformAdmins.Contains(accountId, StringComparer.Ordinal);
}

/// <summary>The group management API (<c>AaiProxy:Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>
    /// The API's resource indicator (RFC 8707), an absolute URI: the <c>aud</c> its access tokens must
    /// carry. Clients that call the API list it in their <c>Resources</c>. Production: <c>{Issuer}/api</c>.
    /// </summary>
    public string Resource { get; set; } = "urn:aaiproxy:api";
}

/// <summary>A facility (<c>AaiProxy:Facilities[]</c>): its group is <c>/{Groups:Community}/{Code}</c>.</summary>
public sealed class FacilityOptions
{
    /// <summary>Short lower-case code (<c>ess</c>): the key in imports and client allow-lists, and its group's name.</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The facility's proposal ids as a regular expression matched whole, e.g. <c>^\d{8}$</c>.</summary>
    public string ProposalIdPattern { get; set; } = "";

    /// <summary>Default embargo: this many months after the last beamtime session ends.</summary>
    public int EmbargoMonths { get; set; } = 36;

    /// <summary>How long before the first session a proposal's team gets access.</summary>
    public TimeSpan AccessLeadTime { get; set; } = TimeSpan.FromDays(30);

    public Facility ToFacility(string community) =>
        new(Code, GroupPath.Of(community, Code), EmbargoMonths, AccessLeadTime,
            new Regex(ProposalIdPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
}

/// <summary>What one client may see of a person's groups (<c>AaiProxy:Clients[].Groups</c>); unset: nothing.</summary>
public sealed class ClientGroupsOptions
{
    /// <summary>Every group (the platform's own portal).</summary>
    public bool AllGroups { get; set; }

    /// <summary>Group paths in display form (<c>/pan/ess</c>): those groups and everything below.</summary>
    public List<string> GroupPrefixes { get; set; } = [];

    /// <summary>Facility codes: each facility's whole subtree.</summary>
    public List<string> Facilities { get; set; } = [];

    /// <summary>A plain array claim of the visible groups, for consumers that read one named claim (SciCat, JupyterHub).</summary>
    public PlainGroupsClaimOptions? PlainClaim { get; set; }

    /// <summary>The most UTF-8 bytes all group claims may take (see <see cref="ClientGroupPolicy.ByteBudget"/>).</summary>
    public int ByteBudget { get; set; } = 4096;

    public ClientGroupPolicy ToPolicy() => new()
    {
        AllGroups = AllGroups,
        GroupPrefixes = [.. GroupPrefixes.Select(GroupPath.Parse)],
        Facilities = [.. Facilities],
        PlainGroups = PlainClaim is { } plain ? new PlainGroupsClaim(plain.Name, plain.Form) : null,
        ByteBudget = ByteBudget,
    };
}

public sealed class PlainGroupsClaimOptions
{
    /// <summary>The claim name, e.g. <c>groups</c> or <c>accessGroups</c>; never a name the claim table or JWTs already use.</summary>
    public string Name { get; set; } = "";

    public PlainGroupsValueForm Form { get; set; } = PlainGroupsValueForm.ProposalId;
}

/// <summary>Start-up checks of facilities and client group policies; each message names the key to set.</summary>
internal static partial class GroupOptionsValidation
{
    // JWT and OIDC claims a token already carries: a plain groups claim must not replace one.
    private static readonly string[] ReservedClaimNames =
        ["iss", "aud", "exp", "nbf", "iat", "jti", "azp", "nonce", "auth_time", "at_hash", "c_hash", "scope", "client_id", "sid", "amr", "cnf"];

    public static IEnumerable<string> Validate(ProxyOptions options)
    {
        if (options.Groups.InvitationLifetime < TimeSpan.FromHours(1) || options.Groups.InvitationLifetime > TimeSpan.FromDays(90))
            yield return "AaiProxy:Groups:InvitationLifetime must be between 01:00:00 and 90.00:00:00 (an invitation link's validity).";
        if (options.Groups.ExpiryReminderDays is < 0 or > 365)
            yield return "AaiProxy:Groups:ExpiryReminderDays must be between 0 (no reminders) and 365.";
        if (options.Groups.ExpiryReminderInterval < TimeSpan.FromMinutes(1))
            yield return "AaiProxy:Groups:ExpiryReminderInterval must be at least 00:01:00.";

        var usesGroups = options.Facilities.Count > 0 || options.Clients.Any(client => client.Groups is not null || client.UserOfficeFor.Count > 0);
        if (!usesGroups)
            yield break;

        if (!SegmentSyntax().IsMatch(options.Groups.Community))
            yield return $"AaiProxy:Groups:Community must be a lower-case name such as 'pan', not '{options.Groups.Community}'.";
        foreach (var failure in options.Groups.Entitlements.Validate())
            yield return $"AaiProxy:{failure}";

        for (var index = 0; index < options.Facilities.Count; index++)
        {
            var facility = options.Facilities[index];
            var path = $"AaiProxy:Facilities:{index}";
            if (!SegmentSyntax().IsMatch(facility.Code))
                yield return $"{path}:Code must be a short lower-case code such as 'ess', not '{facility.Code}'.";
            if (string.IsNullOrWhiteSpace(facility.Name))
                yield return $"{path}:Name is required (the facility's name, e.g. 'European Spallation Source').";
            if (!IsRegex(facility.ProposalIdPattern))
                yield return $"{path}:ProposalIdPattern must be a regular expression for the facility's proposal ids, e.g. '^\\d{{8}}$'.";
            if (facility.EmbargoMonths is < 0 or > 1200)
                yield return $"{path}:EmbargoMonths must be between 0 and 1200.";
            if (facility.AccessLeadTime < TimeSpan.Zero)
                yield return $"{path}:AccessLeadTime must not be negative.";
        }

        foreach (var code in options.Facilities.GroupBy(facility => facility.Code, StringComparer.Ordinal).Where(same => same.Count() > 1))
            yield return $"AaiProxy:Facilities declares facility '{code.Key}' more than once.";

        var codes = options.Facilities.Select(facility => facility.Code).ToHashSet(StringComparer.Ordinal);
        for (var index = 0; index < options.Clients.Count; index++)
        {
            foreach (var code in options.Clients[index].UserOfficeFor.Where(code => !codes.Contains(code)))
                yield return $"AaiProxy:Clients:{index}:UserOfficeFor has '{code}', which is no configured facility (AaiProxy:Facilities[].Code).";
            if (options.Clients[index].Groups is { } groups)
                foreach (var failure in ValidateClientGroups($"AaiProxy:Clients:{index}:Groups", groups, codes))
                    yield return failure;
        }
    }

    /// <summary>The rules of one client's group policy (declared or managed); each message starts with <paramref name="path"/>.</summary>
    public static IEnumerable<string> ValidateClientGroups(string path, ClientGroupsOptions groups, IReadOnlySet<string> facilityCodes)
    {
        foreach (var code in groups.Facilities.Where(code => !facilityCodes.Contains(code)))
            yield return $"{path}:Facilities has '{code}', which is no configured facility (AaiProxy:Facilities[].Code).";
        foreach (var prefix in groups.GroupPrefixes.Where(prefix => !IsGroupPath(prefix)))
            yield return $"{path}:GroupPrefixes has '{prefix}', which is not a group path such as '/pan/ess'.";
        if (groups.ByteBudget < 256)
            yield return $"{path}:ByteBudget must be at least 256 bytes.";
        if (groups.PlainClaim is { } plain
            && (!ClaimNameSyntax().IsMatch(plain.Name) || ClaimTable.Find(plain.Name) is not null || ReservedClaimNames.Contains(plain.Name)
                || plain.Name.StartsWith("oi_", StringComparison.Ordinal)))
            yield return $"{path}:PlainClaim:Name '{plain.Name}' must be a claim name of letters, digits and '_' that no other claim uses (not a claim-table, JWT or 'oi_' name), e.g. 'accessGroups'.";
    }

    private static bool IsRegex(string pattern)
    {
        if (string.IsNullOrEmpty(pattern)) return false;
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsGroupPath(string display)
    {
        try
        {
            _ = GroupPath.Parse(display);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$")]
    private static partial Regex SegmentSyntax();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ClaimNameSyntax();
}
