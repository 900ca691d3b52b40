namespace AaiProxy.Groups.Import;

/// <summary>
/// Accounts an import may name, as the store found them for one import: by community id (the
/// account id), by e-mail address (lower-cased; an address two accounts share names nobody) and
/// by facility user id.
/// </summary>
public sealed class PersonDirectory
{
    private readonly HashSet<string> _accounts;
    private readonly Dictionary<string, string?> _byEmail = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), string> _byFacilityUserId = [];

    public PersonDirectory(
        IEnumerable<string> accountIds, IEnumerable<KeyValuePair<string, string>> accountByEmail, IEnumerable<FacilityUserId> facilityUserIds)
    {
        _accounts = new HashSet<string>(accountIds, StringComparer.Ordinal);
        foreach (var (email, account) in accountByEmail)
        {
            var key = email.ToLowerInvariant();
            _byEmail[key] = _byEmail.TryGetValue(key, out var other) && other != account ? null : account;
        }
        foreach (var id in facilityUserIds)
            _byFacilityUserId[(id.FacilityCode, id.UserId)] = id.AccountId;
    }

    public static PersonDirectory Empty { get; } = new([], [], []);

    /// <summary>The account, or null (unknown) — <paramref name="ambiguous"/> when an e-mail address belongs to several accounts.</summary>
    public string? Find(PersonReference reference, string facilityCode, out bool ambiguous)
    {
        ambiguous = false;
        switch (reference.Kind)
        {
            case PersonReferenceKind.CommunityId:
                return _accounts.Contains(reference.Value) ? reference.Value : null;
            case PersonReferenceKind.FacilityUserId:
                return _byFacilityUserId.GetValueOrDefault((facilityCode, reference.Value));
            default:
                if (!_byEmail.TryGetValue(reference.Value, out var account)) return null;
                ambiguous = account is null;
                return account;
        }
    }
}

/// <summary>An invitation an import asked for before (pending or accepted), by proposal and lower-cased e-mail.</summary>
public readonly record struct InvitationKey(ProposalKey Proposal, string Email);

/// <summary>
/// What an import is planned against: the stored proposals it names, the people it may name and
/// the invitations already issued (value: the account that accepted it, null while pending).
/// </summary>
public sealed record ImportState(
    IReadOnlyDictionary<ProposalKey, Proposal> Proposals,
    PersonDirectory People,
    IReadOnlyDictionary<InvitationKey, string?> Invitations);

/// <summary>An unknown person to invite by e-mail into a proposal's team with these roles.</summary>
public sealed record InvitationRequest(ProposalKey Proposal, string Email, RoleSet Roles);

public sealed record ProposalUpdate(Proposal Before, Proposal After);

/// <summary>
/// The change set of one import. All or nothing: with any <see cref="Problems"/> nothing else is
/// planned and the store applies nothing. Otherwise the store applies the creates, updates and
/// invitations in one transaction, keeps each touched team group in step
/// (<see cref="ProposalTeamPlanner"/>) and writes the audit events (<see cref="GroupAudit"/>).
/// </summary>
public sealed record ProposalImportPlan(
    IReadOnlyList<Proposal> Creates,
    IReadOnlyList<ProposalUpdate> Updates,
    int Unchanged,
    IReadOnlyList<InvitationRequest> Invitations,
    IReadOnlyList<ImportProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;

    /// <summary>Nothing to do: the state already holds the import ("the second run changes nothing").</summary>
    public bool IsEmpty => Creates.Count == 0 && Updates.Count == 0 && Invitations.Count == 0;

    public static ProposalImportPlan Invalid(IReadOnlyList<ImportProblem> problems) => new([], [], 0, [], problems);
}

/// <summary>The idempotent bulk import: the import is the truth for every proposal it names.</summary>
public static class ProposalImportPlanner
{
    /// <summary>
    /// Validates the document and plans it against <paramref name="state"/>. For each proposal: the
    /// title, sessions and team are replaced by the import's; an imported embargo end may extend the
    /// embargo but never shorten it (a problem, not a silent change); a missing one keeps the stored
    /// extension. People named by e-mail whom nobody matches become invitation requests (once per
    /// proposal and address) and join the team when they accept; an unknown community id or
    /// facility user id is a problem (there is nobody to invite).
    /// </summary>
    public static ProposalImportPlan Plan(ImportDocument document, ImportState state, FacilityCatalog facilities, RoleCatalog roles)
    {
        var problems = document.Problems.ToList();
        var validated = ImportValidator.Validate(document, facilities, roles, problems);
        if (problems.Count > 0) return ProposalImportPlan.Invalid(problems);

        var creates = new List<Proposal>();
        var updates = new List<ProposalUpdate>();
        var invitations = new List<InvitationRequest>();
        var invited = new HashSet<InvitationKey>(state.Invitations.Keys);
        var unchanged = 0;
        foreach (var imported in validated)
        {
            var facility = facilities.Find(imported.Key.FacilityCode)!;
            var team = new List<TeamMember>();
            foreach (var person in imported.Team)
            {
                if (Resolve(person, imported.Key, state, problems) is { } account)
                    team.Add(new TeamMember(account, person.Roles));
                else if (person.Reference.Kind == PersonReferenceKind.Email
                         && invited.Add(new InvitationKey(imported.Key, person.Reference.Value)))
                    invitations.Add(new InvitationRequest(imported.Key, person.Reference.Value, person.Roles));
            }

            var existing = state.Proposals.GetValueOrDefault(imported.Key);
            var after = Proposal.Create(imported.Key.FacilityCode, imported.Key.ProposalId, imported.Title, team, imported.Sessions, existing?.Embargo);
            if (imported.EmbargoEnd is { } embargoEnd)
            {
                var change = ProposalEmbargo.Change(after, facility, embargoEnd, allowShortening: false);
                if (change.Outcome == EmbargoChangeOutcome.RefusedShortening)
                    problems.Add(imported.Location.Problem("embargo_end", ImportProblemCodes.EmbargoShortened,
                        $"{embargoEnd:O} is before the embargo end {ProposalEmbargo.End(after, facility):O}; an import never shortens an embargo (a facility admin can)."));
                after = change.Proposal;
            }

            if (existing is null) creates.Add(after);
            else if (existing != after) updates.Add(new ProposalUpdate(existing, after));
            else unchanged++;
        }
        return problems.Count > 0
            ? ProposalImportPlan.Invalid(problems)
            : new ProposalImportPlan(creates, updates, unchanged, invitations, []);
    }

    private static string? Resolve(ValidatedPerson person, ProposalKey proposal, ImportState state, List<ImportProblem> problems)
    {
        var account = state.People.Find(person.Reference, proposal.FacilityCode, out var ambiguous);
        if (ambiguous)
        {
            problems.Add(person.Location.Problem("email", ImportProblemCodes.AmbiguousPerson,
                $"{ImportProblem.Quote(person.Reference.Value)} belongs to more than one account; name the person by community_id."));
            return null;
        }
        if (account is not null) return account;
        if (person.Reference.Kind == PersonReferenceKind.Email)
            return state.Invitations.GetValueOrDefault(new InvitationKey(proposal, person.Reference.Value));
        problems.Add(person.Location.Problem(person.Reference.Field, ImportProblemCodes.UnknownPerson,
            $"No account has {person.Reference.Field} {ImportProblem.Quote(person.Reference.Value)}."));
        return null;
    }
}
