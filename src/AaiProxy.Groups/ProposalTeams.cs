namespace AaiProxy.Groups;

/// <summary>One membership changed: what it was and what it becomes (the audit log's before/after).</summary>
public sealed record MembershipUpdate(Membership Before, Membership After);

/// <summary>
/// What to do to a proposal's team group so that it matches the proposal. A store applies it in
/// the transaction that changed the proposal, with one audit event per entry
/// (<see cref="GroupAudit"/>).
/// </summary>
public sealed record TeamPlan(
    IReadOnlyList<Membership> Adds, IReadOnlyList<MembershipUpdate> Updates, IReadOnlyList<MembershipUpdate> Ends)
{
    public bool IsEmpty => Adds.Count == 0 && Updates.Count == 0 && Ends.Count == 0;
}

/// <summary>Keeps a proposal's team group in step with the proposal's team and schedule.</summary>
public static class ProposalTeamPlanner
{
    /// <summary>
    /// The memberships the team group should hold: one per team member, with the member's roles,
    /// starting <see cref="Facility.AccessLeadTime"/> before the first session and open-ended (the
    /// team keeps its group after the embargo; the data is then open to everyone anyway). While no
    /// session is scheduled the memberships are pending: no access before a beamtime is known.
    /// </summary>
    public static IReadOnlyList<Membership> Desired(Proposal proposal, Facility facility, string teamGroupId)
    {
        var start = ProposalEmbargo.TeamAccessStart(proposal, facility);
        var status = start is null ? MembershipStatus.Pending : MembershipStatus.Active;
        return [.. proposal.Team.Select(member => new Membership(teamGroupId, member.AccountId, member.Roles, start, null, status))];
    }

    /// <summary>
    /// The difference between the desired and the current memberships of the team group. A member
    /// no longer on the team is ended at <paramref name="now"/> (status expired), never deleted; a
    /// suspended member stays suspended (a manager's decision outlives a schedule change); a former
    /// member who is back is reactivated. Applying the plan and planning again yields an empty plan.
    /// </summary>
    public static TeamPlan Plan(
        Proposal proposal, Facility facility, string teamGroupId, IEnumerable<Membership> current, DateTimeOffset now)
    {
        var currentByAccount = current.Where(m => m.GroupId == teamGroupId)
            .ToDictionary(m => m.AccountId, StringComparer.Ordinal);
        var desired = Desired(proposal, facility, teamGroupId);
        var desiredAccounts = desired.Select(m => m.AccountId).ToHashSet(StringComparer.Ordinal);

        var adds = new List<Membership>();
        var updates = new List<MembershipUpdate>();
        foreach (var wanted in desired)
        {
            if (!currentByAccount.TryGetValue(wanted.AccountId, out var existing))
            {
                adds.Add(wanted);
                continue;
            }
            var after = existing.Status == MembershipStatus.Suspended ? wanted with { Status = MembershipStatus.Suspended } : wanted;
            if (after != existing)
                updates.Add(new MembershipUpdate(existing, after));
        }

        var ends = currentByAccount.Values
            .Where(m => !desiredAccounts.Contains(m.AccountId) && m.Status != MembershipStatus.Expired)
            .OrderBy(m => m.AccountId, StringComparer.Ordinal)
            .Select(m => new MembershipUpdate(m, MembershipLifecycle.End(m, now)))
            .ToList();
        return new TeamPlan(adds, updates, ends);
    }
}
