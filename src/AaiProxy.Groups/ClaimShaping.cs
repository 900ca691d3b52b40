using System.Text.Json;
using System.Text.Json.Nodes;

namespace AaiProxy.Groups;

/// <summary>Claim names this library produces (the server's claim table gives them destinations).</summary>
public static class GroupClaimNames
{
    public const string EduPersonEntitlement = "eduperson_entitlement";
    public const string Proposals = "proposals";
    /// <summary>RFC 9068 §2.2.3.1 (after RFC 7643 §4.1.2).</summary>
    public const string Groups = "groups";
    /// <summary>RFC 9068 §2.2.3.1.</summary>
    public const string Entitlements = "entitlements";
}

/// <summary>A proposal as a person's access to it shows in tokens.</summary>
public sealed record ProposalGrant(string FacilityCode, string ProposalId, DateTimeOffset? EmbargoEnd)
{
    public static ProposalGrant For(Proposal proposal, Facility facility) =>
        new(proposal.FacilityCode, proposal.Id, ProposalEmbargo.End(proposal, facility));
}

/// <summary>One effective membership with its group and, for a proposal's team group, the proposal.</summary>
public sealed record GroupGrant(Group Group, Membership Membership, ProposalGrant? Proposal);

/// <summary>What a store loads for one person to compute claims (<see cref="IGroupReader.LoadPersonAsync"/>).</summary>
public sealed record PersonGroups(IReadOnlyList<Membership> Memberships, IReadOnlyList<Group> Groups, IReadOnlyList<Proposal> Proposals);

public static class PersonAccess
{
    /// <summary>
    /// The person's grants at <paramref name="now"/>: effective memberships only
    /// (<see cref="MembershipLifecycle"/>), each with its group and proposal. Evaluated at every
    /// token issue and refresh, so a membership change shows at the next refresh.
    /// </summary>
    public static IReadOnlyList<GroupGrant> At(PersonGroups person, FacilityCatalog facilities, DateTimeOffset now)
    {
        var groups = person.Groups.ToDictionary(g => g.Id, StringComparer.Ordinal);
        var proposalsByTeamPath = new Dictionary<GroupPath, ProposalGrant>();
        foreach (var proposal in person.Proposals)
            if (facilities.Find(proposal.FacilityCode) is { } facility)
                proposalsByTeamPath[facility.TeamGroupPath(proposal.Id)] = ProposalGrant.For(proposal, facility);
        return [.. from membership in MembershipLifecycle.EffectiveAt(person.Memberships, now)
                   where groups.ContainsKey(membership.GroupId)
                   let grouped = groups[membership.GroupId]
                   select new GroupGrant(grouped, membership, proposalsByTeamPath.GetValueOrDefault(grouped.Path))];
    }
}

/// <summary>The value form of a client's plain groups claim.</summary>
public enum PlainGroupsValueForm
{
    /// <summary>The proposal id (<c>20240123</c>); memberships of groups that are no proposal's team give none.</summary>
    ProposalId,
    /// <summary>The group path, <c>/community/facility/20240123</c>.</summary>
    GroupPath,
    /// <summary>The <c>role=member</c> entitlement of the group.</summary>
    Entitlement,
}

/// <summary>A plain array claim for consumers that read access groups from one named claim (SciCat's <c>OIDC_ACCESS_GROUPS_PROPERTY</c>, JupyterHub).</summary>
public sealed record PlainGroupsClaim(string Name, PlainGroupsValueForm Form);

/// <summary>A claim named <paramref name="Name"/> whose value is the person's user id at <paramref name="FacilityCode"/>.</summary>
public sealed record FacilityUserIdClaim(string Name, string FacilityCode);

[Flags]
public enum GroupClaimKinds
{
    None = 0,
    /// <summary>Scope <c>eduperson_entitlement</c>.</summary>
    EduPersonEntitlement = 1,
    /// <summary>Scope <c>proposals</c>.</summary>
    Proposals = 2,
}

/// <summary>What one client may see of a person's groups, and how.</summary>
public sealed record ClientGroupPolicy
{
    /// <summary>The default: groups are released only to clients that declare what they may see.</summary>
    public static ClientGroupPolicy None { get; } = new();

    /// <summary>Every group (a platform's own portal); otherwise only the prefixes and facilities below.</summary>
    public bool AllGroups { get; init; }

    public IReadOnlyList<GroupPath> GroupPrefixes { get; init; } = [];

    /// <summary>Facility codes: their whole subtree.</summary>
    public IReadOnlyList<string> Facilities { get; init; } = [];

    public PlainGroupsClaim? PlainGroups { get; init; }

    /// <summary>Claims that carry the person's user number at a facility (remote-analysis platforms need it).</summary>
    public IReadOnlyList<FacilityUserIdClaim> FacilityUserIdClaims { get; init; } = [];

    /// <summary>Add RFC 9068 §2.2.3.1 <c>groups</c> (group paths) and <c>entitlements</c> (as eduperson_entitlement).</summary>
    public bool Rfc9068Claims { get; init; }

    /// <summary>
    /// The most UTF-8 bytes the group claims may take as JSON members. 4,096 keeps an RS256 token
    /// under 8 KB: base64url adds a third, leaving ~2.5 KB for the header, the other claims and the
    /// signature.
    /// </summary>
    public int ByteBudget { get; init; } = 4096;
}

/// <summary>A <c>proposals</c> claim entry.</summary>
public sealed record ProposalClaimValue(string Facility, string Id, IReadOnlyList<string> Roles, DateTimeOffset? EmbargoEnd);

/// <summary>Set when the budget cut grants off: the caller logs it (kept and omitted counts, client id).</summary>
public sealed record GroupClaimsTruncation(int KeptGrants, int OmittedGrants);

/// <summary>The group claims for one person and one client. Empty lists mean "do not emit".</summary>
public sealed record ShapedGroupClaims(
    IReadOnlyList<string> EduPersonEntitlement,
    IReadOnlyList<ProposalClaimValue> Proposals,
    PlainGroupsClaim? PlainGroups,
    IReadOnlyList<string> PlainGroupValues,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Entitlements,
    GroupClaimsTruncation? Truncation)
{
    /// <summary>The claims as one JSON object (non-empty claims only); its UTF-8 size is what the budget bounds.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        Add(json, GroupClaimNames.EduPersonEntitlement, EduPersonEntitlement);
        if (Proposals.Count > 0)
            json[GroupClaimNames.Proposals] = new JsonArray([.. Proposals.Select(ToJson)]);
        if (PlainGroups is { } plain)
            Add(json, plain.Name, PlainGroupValues);
        Add(json, GroupClaimNames.Groups, Groups);
        Add(json, GroupClaimNames.Entitlements, Entitlements);
        return json;
    }

    /// <summary>
    /// The UTF-8 size of <see cref="ToJson"/> with the default encoder, which escapes non-ASCII as
    /// <c>\uXXXX</c>: an upper bound for any token writer.
    /// </summary>
    public int SerializedBytes => JsonSerializer.SerializeToUtf8Bytes(ToJson()).Length;

    private static JsonObject ToJson(ProposalClaimValue value) => new()
    {
        ["facility"] = value.Facility,
        ["id"] = value.Id,
        ["roles"] = new JsonArray([.. value.Roles.Select(role => (JsonNode)role)]),
        ["embargo_end"] = value.EmbargoEnd?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void Add(JsonObject json, string name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
            json[name] = new JsonArray([.. values.Select(value => (JsonNode)value)]);
    }
}

public static class FacilityUserIdRelease
{
    /// <summary>Claim name → the person's user id at the configured facility; a facility that does not know the person gives no claim.</summary>
    public static IReadOnlyDictionary<string, string> For(ClientGroupPolicy policy, IEnumerable<FacilityUserId> facilityUserIds)
    {
        var byFacility = facilityUserIds.ToDictionary(id => id.FacilityCode, id => id.UserId, StringComparer.Ordinal);
        return policy.FacilityUserIdClaims
            .Where(claim => byFacility.ContainsKey(claim.FacilityCode))
            .ToDictionary(claim => claim.Name, claim => byFacility[claim.FacilityCode], StringComparer.Ordinal);
    }
}

/// <summary>Shapes a person's grants into one client's group claims. Pure; the only place claims about groups are decided.</summary>
public static class GroupClaimsShaper
{
    /// <summary>
    /// Keeps the grants the client may see, ranks them — groups that are no proposal's team
    /// (community, facility, sub-groups: few, and what most services check) before proposal teams,
    /// each most recently started first (for a proposal: its access before its first beamtime),
    /// then by path — and releases the longest prefix of that ranking whose claims fit
    /// <see cref="ClientGroupPolicy.ByteBudget"/>. A grant is released whole (all its role values,
    /// its proposal, its plain value) or not at all; what was cut is reported for the caller to log.
    /// </summary>
    public static ShapedGroupClaims Shape(
        IReadOnlyList<GroupGrant> grants, ClientGroupPolicy policy, GroupClaimKinds requested,
        EntitlementOptions options, FacilityCatalog facilities)
    {
        var visible = grants
            .Where(grant => IsVisible(grant.Group.Path, policy, facilities))
            .OrderBy(grant => grant.Proposal is not null)
            .ThenByDescending(grant => grant.Membership.Start ?? DateTimeOffset.MinValue)
            .ThenBy(grant => grant.Group.Path.ToString(), StringComparer.Ordinal)
            .ToList();

        // Claim size grows with the number of grants released: find the largest count that fits.
        int low = 0, high = visible.Count;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Build(visible.Take(middle), policy, requested, options, null).SerializedBytes <= policy.ByteBudget)
                low = middle;
            else
                high = middle - 1;
        }
        var truncation = low < visible.Count ? new GroupClaimsTruncation(low, visible.Count - low) : null;
        return Build(visible.Take(low), policy, requested, options, truncation);
    }

    private static bool IsVisible(GroupPath path, ClientGroupPolicy policy, FacilityCatalog facilities) =>
        policy.AllGroups
        || policy.GroupPrefixes.Any(path.IsWithin)
        || policy.Facilities.Any(code => facilities.Find(code) is { } facility && path.IsWithin(facility.Path));

    private static ShapedGroupClaims Build(
        IEnumerable<GroupGrant> grants, ClientGroupPolicy policy, GroupClaimKinds requested, EntitlementOptions options,
        GroupClaimsTruncation? truncation)
    {
        var released = grants.ToList();
        var entitlements = released.SelectMany(g => EntitlementUrn.ForMembership(options, g.Group.Path, g.Membership.Roles)).ToList();
        var proposals = released.Where(g => g.Proposal is not null)
            .Select(g => new ProposalClaimValue(g.Proposal!.FacilityCode, g.Proposal.ProposalId, [.. g.Membership.Roles.WithMember()], g.Proposal.EmbargoEnd))
            .ToList();
        var plain = policy.PlainGroups is { } claim
            ? released.Select(g => PlainValue(g, claim.Form, options)).OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [];
        return new ShapedGroupClaims(
            requested.HasFlag(GroupClaimKinds.EduPersonEntitlement) ? entitlements : [],
            requested.HasFlag(GroupClaimKinds.Proposals) ? proposals : [],
            policy.PlainGroups,
            plain,
            policy.Rfc9068Claims ? [.. released.Select(g => g.Group.Path.ToString())] : [],
            policy.Rfc9068Claims ? entitlements : [],
            truncation);
    }

    private static string? PlainValue(GroupGrant grant, PlainGroupsValueForm form, EntitlementOptions options) => form switch
    {
        PlainGroupsValueForm.ProposalId => grant.Proposal?.ProposalId,
        PlainGroupsValueForm.GroupPath => grant.Group.Path.ToString(),
        _ => EntitlementUrn.Encode(options, grant.Group.Path, GroupRoles.Member),
    };
}
