using AaiProxy.Groups;
using AaiProxy.Groups.Management;

namespace AaiProxy.Server.Groups.Management;

/// <summary>Proposals, facility user ids and finding people.</summary>
public sealed partial class GroupAdministration
{
    private const int MaxSearchResults = 50;

    // ---- Proposals ----

    /// <summary>Creates a proposal (facility admins and the facility's user office); <paramref name="embargoEnd"/> may extend the default, never shorten it.</summary>
    public async Task<Outcome<Versioned<ProposalView>>> CreateProposalAsync(
        ManagementActor actor, string facilityCode, string proposalId, ProposalInput input, DateTimeOffset? embargoEnd,
        CancellationToken cancellationToken)
    {
        if (facilities.Find(facilityCode) is not { } facility)
            return FacilityNotFound(facilityCode);
        if (!await IsFacilityAdminAsync(actor, facility, cancellationToken))
            return new Failure.Forbidden($"Only the admins and the user office of facility '{facility.Code}' create its proposals.");
        var problems = new List<ManagementProblem>();
        if (!facility.IsValidProposalId(proposalId))
            problems.Add(new("id", ManagementProblemCodes.InvalidProposalId, $"'{proposalId}' is not a proposal id of facility '{facility.Code}'."));
        var proposal = await ProposalFromAsync(facility, proposalId, input, null, problems, cancellationToken);
        if (embargoEnd is { } end)
        {
            var change = ProposalEmbargo.Change(proposal, facility, end, allowShortening: false);
            if (change.Outcome == EmbargoChangeOutcome.RefusedShortening)
                problems.Add(new("embargo_end", ManagementProblemCodes.EmbargoShortened, "The embargo end is before the default (last session end + the facility's embargo)."));
            proposal = change.Proposal;
        }
        if (problems.Count > 0)
            return new Failure.Invalid(problems);
        if (await directory.FindProposalAsync(proposal.Key, cancellationToken) is not null)
            return new Failure.Conflict($"Proposal {proposal.Key} exists already.", PreconditionFailed: false);

        await writer.SaveAsync(GroupChanges.Of(new ProposalChange(null, proposal)), actor.AuditName, cancellationToken);
        return await ViewAsync(proposal.Key, cancellationToken);
    }

    public async Task<Outcome<Versioned<ProposalView>>> GetProposalAsync(ManagementActor actor, ProposalKey key, CancellationToken cancellationToken)
    {
        var (stored, failure) = await ProposalAsync(actor, key, manage: false, cancellationToken);
        return failure ?? (Outcome<Versioned<ProposalView>>)View(stored!, facilities.Find(key.FacilityCode)!);
    }

    /// <summary>Replaces a proposal's title, sessions and team (its managers: the facility's admins, the team group's managers, its PI); the embargo override stays.</summary>
    public async Task<Outcome<Versioned<ProposalView>>> UpdateProposalAsync(
        ManagementActor actor, ProposalKey key, ProposalInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        var (stored, failure) = await ProposalAsync(actor, key, manage: true, cancellationToken);
        if (failure is not null)
            return failure;
        var before = stored!.Proposal;
        if (Precondition(ifMatch, GroupAudit.Version(before)) is { } stale)
            return stale;
        var problems = new List<ManagementProblem>();
        var after = await ProposalFromAsync(facilities.Find(key.FacilityCode)!, key.ProposalId, input, before.Embargo, problems, cancellationToken);
        if (problems.Count > 0)
            return new Failure.Invalid(problems);
        if (after != before)
            await writer.SaveAsync(GroupChanges.Of(new ProposalChange(before, after)), actor.AuditName, cancellationToken);
        return await ViewAsync(key, cancellationToken);
    }

    /// <summary>
    /// Moves the embargo end: later (an extension) for the proposal's managers; earlier only for the
    /// facility's admins, audited as a shortening (<see cref="ProposalEmbargo.Change"/>).
    /// </summary>
    public async Task<Outcome<Versioned<ProposalView>>> ChangeEmbargoAsync(
        ManagementActor actor, ProposalKey key, DateTimeOffset end, string? ifMatch, CancellationToken cancellationToken)
    {
        var (stored, failure) = await ProposalAsync(actor, key, manage: true, cancellationToken);
        if (failure is not null)
            return failure;
        var before = stored!.Proposal;
        if (Precondition(ifMatch, GroupAudit.Version(before)) is { } stale)
            return stale;
        var facility = facilities.Find(key.FacilityCode)!;
        var change = ProposalEmbargo.Change(before, facility, end, allowShortening: await IsFacilityAdminAsync(actor, facility, cancellationToken));
        switch (change.Outcome)
        {
            case EmbargoChangeOutcome.RefusedShortening:
                return new Failure.Forbidden($"Only the admins of facility '{facility.Code}' shorten an embargo.");
            case EmbargoChangeOutcome.Unchanged:
                return View(stored, facility);
            default:
                await writer.SaveAsync(GroupChanges.Of(new ProposalChange(before, change.Proposal)), actor.AuditName, cancellationToken);
                return await ViewAsync(key, cancellationToken);
        }
    }

    /// <summary>Deletes a proposal (facility admins): its team's memberships end; the team group stays.</summary>
    public async Task<Outcome<Deleted>> DeleteProposalAsync(ManagementActor actor, ProposalKey key, string? ifMatch, CancellationToken cancellationToken)
    {
        if (facilities.Find(key.FacilityCode) is not { } facility)
            return FacilityNotFound(key.FacilityCode);
        if (await directory.FindProposalAsync(key, cancellationToken) is not { } stored)
            return ProposalNotFound(key);
        if (!await IsFacilityAdminAsync(actor, facility, cancellationToken))
            return new Failure.Forbidden($"Only the admins and the user office of facility '{facility.Code}' delete its proposals.");
        if (Precondition(ifMatch, GroupAudit.Version(stored.Proposal)) is { } stale)
            return stale;
        await writer.SaveAsync(GroupChanges.Of(new ProposalChange(stored.Proposal, null)), actor.AuditName, cancellationToken);
        return new Deleted($"proposal:{key}");
    }

    /// <summary>A facility's proposals, by id (facility admins and the user office).</summary>
    public async Task<Outcome<Page<Versioned<ProposalView>>>> ListProposalsAsync(
        ManagementActor actor, string facilityCode, PageRequest page, CancellationToken cancellationToken)
    {
        if (facilities.Find(facilityCode) is not { } facility)
            return FacilityNotFound(facilityCode);
        if (!await IsFacilityAdminAsync(actor, facility, cancellationToken))
            return new Failure.Forbidden($"Only the admins and the user office of facility '{facility.Code}' list its proposals.");
        var proposals = await directory.ListProposalsAsync(facility.Code, page, cancellationToken);
        return new Page<Versioned<ProposalView>>([.. proposals.Items.Select(stored => View(stored, facility))], proposals.Next);
    }

    /// <summary>The proposals on whose teams the actor is now ("my proposals").</summary>
    public async Task<IReadOnlyList<ProposalView>> MyProposalsAsync(ManagementActor actor, CancellationToken cancellationToken)
    {
        var rights = await RightsAsync(actor, cancellationToken);
        var teamGroups = rights.Memberships.ToDictionary(m => m.Group.Path, m => m.Group.Id);
        return [.. rights.Proposals.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).Select(proposal =>
        {
            var facility = facilities.Find(proposal.FacilityCode)!;
            return new ProposalView(proposal, ProposalEmbargo.End(proposal, facility), ProposalEmbargo.StateAt(proposal, facility, rights.Now),
                teamGroups[facility.TeamGroupPath(proposal.Id)]);
        })];
    }

    private async Task<(StoredProposal? Proposal, Failure? Failure)> ProposalAsync(
        ManagementActor actor, ProposalKey key, bool manage, CancellationToken cancellationToken)
    {
        if (facilities.Find(key.FacilityCode) is not { } facility)
            return (null, FacilityNotFound(key.FacilityCode));
        if (await directory.FindProposalAsync(key, cancellationToken) is not { } stored)
            return (null, ProposalNotFound(key));
        var rights = await RightsAsync(actor, cancellationToken);
        var teamGroup = (await reader.FindGroupAsync(stored.TeamGroupId, cancellationToken))!;
        var allowed = rights.CanManage(teamGroup) || (!manage && rights.IsMember(teamGroup.Id));
        return allowed
            ? (stored, null)
            : (null, new Failure.Forbidden(manage
                ? $"Only the PI, the team's managers and the admins of facility '{facility.Code}' change proposal {key}."
                : $"Only the team, its managers and the admins of facility '{facility.Code}' see proposal {key}."));
    }

    private async Task<Proposal> ProposalFromAsync(
        Facility facility, string proposalId, ProposalInput input, EmbargoOverride? embargo, List<ManagementProblem> problems,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Title))
            problems.Add(new("title", ManagementProblemCodes.Required, "A proposal has a title."));
        else if (input.Title.Length > MaxTitleLength)
            problems.Add(new("title", ManagementProblemCodes.TooLong, $"A title has at most {MaxTitleLength} characters."));
        for (var i = 0; i < input.Sessions.Count; i++)
        {
            var session = input.Sessions[i];
            if (string.IsNullOrWhiteSpace(session.Instrument))
                problems.Add(new($"sessions/{i}/instrument", ManagementProblemCodes.Required, "A session names its instrument."));
            if (session.End <= session.Start)
                problems.Add(new($"sessions/{i}/end", ManagementProblemCodes.InvalidDates, "A session ends after it starts."));
        }
        var team = new List<TeamMember>();
        for (var i = 0; i < input.Team.Count; i++)
        {
            var member = input.Team[i];
            var roles = Roles(member.Roles, $"team/{i}/roles", problems);
            if (await directory.FindPersonAsync(member.CommunityId, cancellationToken) is null)
                problems.Add(new($"team/{i}/community_id", ManagementProblemCodes.UnknownPerson, $"No account has the community id '{member.CommunityId}'."));
            else
                team.Add(new TeamMember(member.CommunityId, roles));
        }
        return Proposal.Create(facility.Code, proposalId, input.Title, team, input.Sessions, embargo);
    }

    private async Task<Versioned<ProposalView>> ViewAsync(ProposalKey key, CancellationToken cancellationToken) =>
        View((await directory.FindProposalAsync(key, cancellationToken))!, facilities.Find(key.FacilityCode)!);

    private Versioned<ProposalView> View(StoredProposal stored, Facility facility) =>
        new(new ProposalView(stored.Proposal, ProposalEmbargo.End(stored.Proposal, facility),
                ProposalEmbargo.StateAt(stored.Proposal, facility, time.GetUtcNow()), stored.TeamGroupId),
            GroupAudit.Version(stored.Proposal));

    /// <summary>The codes of the facilities the actor administers (a facility admin or its user office); null: every facility (a platform admin).</summary>
    public async Task<IReadOnlyList<string>?> AdministeredFacilitiesAsync(ManagementActor actor, CancellationToken cancellationToken)
    {
        var rights = await RightsAsync(actor, cancellationToken);
        if (rights.IsPlatformAdmin)
            return null;
        var administered = new List<string>();
        foreach (var facility in facilities.All)
            if (rights.IsFacilityAdmin(facility, await directory.FindGroupByPathAsync(facility.Path, cancellationToken)))
                administered.Add(facility.Code);
        return administered;
    }

    private async Task<bool> IsFacilityAdminAsync(ManagementActor actor, Facility facility, CancellationToken cancellationToken) =>
        (await RightsAsync(actor, cancellationToken)).IsFacilityAdmin(facility, await directory.FindGroupByPathAsync(facility.Path, cancellationToken));

    private static Failure ProposalNotFound(ProposalKey key) => new Failure.NotFound($"No proposal {key}.");

    private static Failure FacilityNotFound(string code) => new Failure.NotFound($"No facility has the code '{code}'.");

    // ---- Facility user ids ----

    public async Task<Outcome<Page<Versioned<FacilityUserId>>>> ListFacilityUserIdsAsync(
        ManagementActor actor, string facilityCode, PageRequest page, CancellationToken cancellationToken)
    {
        if (await AdministeredFacilityAsync(actor, facilityCode, cancellationToken) is { } failure)
            return failure;
        var ids = await directory.ListFacilityUserIdsAsync(facilityCode, page, cancellationToken);
        return new Page<Versioned<FacilityUserId>>([.. ids.Items.Select(Version)], ids.Next);
    }

    public async Task<Outcome<Versioned<FacilityUserId>>> GetFacilityUserIdAsync(
        ManagementActor actor, string facilityCode, string userId, CancellationToken cancellationToken)
    {
        if (await AdministeredFacilityAsync(actor, facilityCode, cancellationToken) is { } failure)
            return failure;
        return await directory.FindFacilityUserIdAsync(facilityCode, userId, cancellationToken) is { } id
            ? Version(id)
            : FacilityUserIdNotFound(facilityCode, userId);
    }

    /// <summary>Gives the person <paramref name="accountId"/> the user id at the facility (creating it, or moving it from another account).</summary>
    public async Task<Outcome<Versioned<FacilityUserId>>> SetFacilityUserIdAsync(
        ManagementActor actor, string facilityCode, string userId, string accountId, string? ifMatch, CancellationToken cancellationToken)
    {
        if (await AdministeredFacilityAsync(actor, facilityCode, cancellationToken) is { } failure)
            return failure;
        var problems = new List<ManagementProblem>();
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > 256 || userId.Any(char.IsControl))
            problems.Add(new("user_id", ManagementProblemCodes.InvalidName, "A facility user id has 1 to 256 characters and no control characters."));
        if (await directory.FindPersonAsync(accountId, cancellationToken) is null)
            problems.Add(new("community_id", ManagementProblemCodes.UnknownPerson, $"No account has the community id '{accountId}'."));
        if (problems.Count > 0)
            return new Failure.Invalid(problems);
        var before = await directory.FindFacilityUserIdAsync(facilityCode, userId, cancellationToken);
        if (before is not null && Precondition(ifMatch, GroupAudit.Version(before)) is { } stale)
            return stale;
        var after = new FacilityUserId(accountId, facilityCode, userId);
        if (after != before)
            await writer.SaveAsync(GroupChanges.Of(new FacilityUserIdChange(before, after)), actor.AuditName, cancellationToken);
        return Version(after);
    }

    public async Task<Outcome<Deleted>> DeleteFacilityUserIdAsync(
        ManagementActor actor, string facilityCode, string userId, string? ifMatch, CancellationToken cancellationToken)
    {
        if (await AdministeredFacilityAsync(actor, facilityCode, cancellationToken) is { } failure)
            return failure;
        if (await directory.FindFacilityUserIdAsync(facilityCode, userId, cancellationToken) is not { } before)
            return FacilityUserIdNotFound(facilityCode, userId);
        if (Precondition(ifMatch, GroupAudit.Version(before)) is { } stale)
            return stale;
        await writer.SaveAsync(GroupChanges.Of(new FacilityUserIdChange(before, null)), actor.AuditName, cancellationToken);
        return new Deleted($"facility_user_id:{facilityCode}/{userId}");
    }

    private async Task<Failure?> AdministeredFacilityAsync(ManagementActor actor, string facilityCode, CancellationToken cancellationToken)
    {
        if (facilities.Find(facilityCode) is not { } facility)
            return FacilityNotFound(facilityCode);
        return await IsFacilityAdminAsync(actor, facility, cancellationToken)
            ? null
            : new Failure.Forbidden($"Only the admins and the user office of facility '{facility.Code}' keep its user ids.");
    }

    private static Failure FacilityUserIdNotFound(string facilityCode, string userId) =>
        new Failure.NotFound($"Facility '{facilityCode}' has no user id '{userId}'.");

    private static Versioned<FacilityUserId> Version(FacilityUserId id) => new(id, GroupAudit.Version(id));

    // ---- Audit ----

    /// <summary>
    /// The audit log, oldest first: all of it for platform admins; for a facility's admins and user
    /// office the entries about its proposals and user ids.
    /// </summary>
    public async Task<Outcome<Page<AuditRecord>>> AuditAsync(ManagementActor actor, PageRequest page, CancellationToken cancellationToken)
    {
        var rights = await RightsAsync(actor, cancellationToken);
        if (rights.IsPlatformAdmin)
            return await directory.ListAuditAsync(null, page, null, cancellationToken);
        var administered = new List<string>();
        foreach (var code in actor.UserOfficeFacilities.Concat(rights.Scope?.Where(p => p.Segments.Count == 2).Select(p => p.Segments[1]) ?? []).Distinct())
            if (facilities.Find(code) is { } facility && await IsFacilityAdminAsync(actor, facility, cancellationToken))
                administered.Add(facility.Code);
        if (administered.Count == 0)
            return new Failure.Forbidden("Only platform and facility admins read the audit log.");
        return await directory.ListAuditAsync([.. administered.SelectMany(code => new[] { $"proposal:{code}/", $"facility_user_id:{code}/" })], page, null, cancellationToken);
    }

    // ---- People ----

    /// <summary>
    /// Finds people by exact e-mail address or community id (anyone who manages a group), or by part
    /// of the username (facility and platform admins only, so that managers cannot list every account).
    /// </summary>
    public async Task<Outcome<IReadOnlyList<PersonSummary>>> FindPeopleAsync(ManagementActor actor, PersonQuery query, CancellationToken cancellationToken)
    {
        var rights = await RightsAsync(actor, cancellationToken);
        if (!rights.ManagesAnything)
            return new Failure.Forbidden("Only managers look people up.");
        switch (query)
        {
            case { Email: { } email, CommunityId: null, Name: null, Username: null }:
                return Outcome(await directory.FindPeopleByEmailAsync(email, cancellationToken));
            case { Email: null, CommunityId: { } id, Name: null, Username: null }:
                return Outcome(await directory.FindPersonAsync(id, cancellationToken) is { } person ? [person] : []);
            case { Email: null, CommunityId: null, Name: null, Username: { } username }:
                return Outcome(await directory.FindPersonByUsernameAsync(username, cancellationToken) is { } named ? [named] : []);
            case { Email: null, CommunityId: null, Name: { Length: >= 2 } name, Username: null }:
                return rights.IsAnyFacilityAdmin
                    ? Outcome(await directory.SearchPeopleAsync(name, MaxSearchResults, cancellationToken))
                    : new Failure.Forbidden("Only facility and platform admins search people by name; use an exact e-mail address or community id.");
            default:
                return new Failure.Invalid([new("query", ManagementProblemCodes.Required,
                    "Give exactly one of email, community_id, username and name (at least two characters).")]);
        }

        static Outcome<IReadOnlyList<PersonSummary>> Outcome(IReadOnlyList<PersonSummary> people) =>
            new Outcome<IReadOnlyList<PersonSummary>>.Ok(people);
    }
}
