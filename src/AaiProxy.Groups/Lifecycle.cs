namespace AaiProxy.Groups;

/// <summary>Whether a membership counts at an instant. The only place that decides it.</summary>
public static class MembershipLifecycle
{
    /// <summary>
    /// Active, started (<c>Start &lt;= now</c>) and not ended (<c>now &lt; End</c>). Pending,
    /// suspended and expired memberships never count, whatever their dates.
    /// </summary>
    public static bool IsEffective(Membership membership, DateTimeOffset now) =>
        membership.Status == MembershipStatus.Active
        && (membership.Start is not { } start || start <= now)
        && (membership.End is not { } end || now < end);

    public static IReadOnlyList<Membership> EffectiveAt(IEnumerable<Membership> memberships, DateTimeOffset now) =>
        [.. memberships.Where(membership => IsEffective(membership, now))];

    /// <summary>
    /// Ends a membership at <paramref name="now"/> (a member leaving, a manager removing, a person
    /// dropped from a proposal's team): status expired, end no later than now. Never deleted, so the
    /// audit trail and a later return keep their history.
    /// </summary>
    public static Membership End(Membership membership, DateTimeOffset now) =>
        membership with { Status = MembershipStatus.Expired, End = membership.End is { } end && end < now ? end : now };

    /// <summary>
    /// The memberships to remind about now: effective, ending within <paramref name="notice"/>, and
    /// not yet reminded about that end (<paramref name="remindedEnds"/> holds (group, account, end)
    /// of reminders sent), so a renewed membership is reminded again before its new end.
    /// </summary>
    public static IReadOnlyList<Membership> DueForExpiryReminder(
        IEnumerable<Membership> memberships, TimeSpan notice, DateTimeOffset now,
        IReadOnlySet<(string GroupId, string AccountId, DateTimeOffset End)> remindedEnds) =>
        [.. memberships.Where(m => IsEffective(m, now)
                                   && m.End is { } end && end - now <= notice
                                   && !remindedEnds.Contains((m.GroupId, m.AccountId, end)))];
}

public enum EmbargoState
{
    /// <summary>Raw data is for the team only (also while no session is scheduled yet).</summary>
    UnderEmbargo,
    /// <summary>The embargo has ended: the data is open.</summary>
    Open,
}

public enum EmbargoChangeOutcome { Extended, Shortened, Unchanged, RefusedShortening }

public sealed record EmbargoChange(EmbargoChangeOutcome Outcome, Proposal Proposal);

/// <summary>A proposal's dates, computed from its sessions and its facility's rules.</summary>
public static class ProposalEmbargo
{
    /// <summary>Last session end + the facility's embargo months; null while no session is scheduled.</summary>
    public static DateTimeOffset? DefaultEnd(Proposal proposal, Facility facility) =>
        proposal.Sessions.Count == 0
            ? null
            : proposal.Sessions.Max(session => session.End).AddMonths(facility.EmbargoMonths);

    /// <summary>
    /// The embargo end: the default, or a deliberate change of it. An extension keeps the later of
    /// itself and the default (sessions moved later never shorten the embargo); only an explicit
    /// shortening (<see cref="Change"/> with <c>allowShortening</c>) yields an earlier end.
    /// </summary>
    public static DateTimeOffset? End(Proposal proposal, Facility facility)
    {
        var defaultEnd = DefaultEnd(proposal, facility);
        return proposal.Embargo switch
        {
            null => defaultEnd,
            { Shortened: true } explicitEnd => explicitEnd.End,
            { } extension => defaultEnd is { } d && d > extension.End ? d : extension.End,
        };
    }

    /// <summary>Under embargo until the end (exclusive); under embargo while no end is known.</summary>
    public static EmbargoState StateAt(Proposal proposal, Facility facility, DateTimeOffset now) =>
        End(proposal, facility) is { } end && now >= end ? EmbargoState.Open : EmbargoState.UnderEmbargo;

    /// <summary>
    /// Moves the embargo end to <paramref name="newEnd"/>. Later: an extension. Earlier: refused
    /// unless <paramref name="allowShortening"/> (a facility admin's explicit act, audited as such),
    /// so an embargo is never shortened silently. Before any session is scheduled, any end is an
    /// extension: once sessions give a later default, the later one wins.
    /// </summary>
    public static EmbargoChange Change(Proposal proposal, Facility facility, DateTimeOffset newEnd, bool allowShortening)
    {
        var current = End(proposal, facility);
        if (newEnd == current)
            return new EmbargoChange(EmbargoChangeOutcome.Unchanged, proposal);
        if (current is null || newEnd > current)
            return new EmbargoChange(EmbargoChangeOutcome.Extended, proposal with { Embargo = new EmbargoOverride(newEnd, Shortened: false) });
        return allowShortening
            ? new EmbargoChange(EmbargoChangeOutcome.Shortened, proposal with { Embargo = new EmbargoOverride(newEnd, Shortened: true) })
            : new EmbargoChange(EmbargoChangeOutcome.RefusedShortening, proposal);
    }

    /// <summary>When the team's access starts: the facility's lead time before the first session; null while none is scheduled.</summary>
    public static DateTimeOffset? TeamAccessStart(Proposal proposal, Facility facility) =>
        proposal.Sessions.Count == 0 ? null : proposal.Sessions.Min(session => session.Start) - facility.AccessLeadTime;
}

/// <summary>Who may manage a group. The only place that decides it.</summary>
public static class GroupAuthority
{
    /// <summary>
    /// True when the actor holds an effective <c>manager</c> membership in the group or any group
    /// above it (facility admins manage their subtree), or is the PI on the proposal whose team
    /// group this is. <paramref name="actor"/> is what <see cref="IGroupReader.LoadPersonAsync"/>
    /// loads for the actor: their memberships and the groups those are in.
    /// </summary>
    public static bool CanManage(PersonGroups actor, Group group, DateTimeOffset now)
    {
        var groupsById = actor.Groups.ToDictionary(g => g.Id, StringComparer.Ordinal);
        var effective = MembershipLifecycle.EffectiveAt(actor.Memberships, now);
        if (group.Kind == GroupKind.Proposal
            && effective.Any(m => m.GroupId == group.Id && m.Roles.Contains(GroupRoles.PrincipalInvestigator)))
            return true;
        return effective.Any(m => m.Roles.Contains(GroupRoles.Manager)
                                  && groupsById.TryGetValue(m.GroupId, out var managed)
                                  && group.Path.IsWithin(managed.Path));
    }
}
