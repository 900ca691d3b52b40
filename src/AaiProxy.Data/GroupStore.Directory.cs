using System.Linq.Expressions;
using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>The management reads of <see cref="GroupStore"/> (<see cref="IGroupDirectory"/>).</summary>
internal sealed partial class GroupStore
{
    private const char LikeEscape = '!';

    // Addresses matched per statement: each is one term of an OR over the stored attributes.
    private const int EmailChunk = 50;

    public async Task<Group?> FindGroupByPathAsync(GroupPath path, CancellationToken cancellationToken)
    {
        var display = path.ToString();
        return await db.Groups.AsNoTracking().SingleOrDefaultAsync(group => group.Path == display, cancellationToken) is { } found
            ? GroupRows.ToGroup(found)
            : null;
    }

    public Task<bool> HasChildrenAsync(string groupId, CancellationToken cancellationToken) =>
        db.Groups.AnyAsync(group => group.ParentId == groupId, cancellationToken);

    public async Task<Page<Group>> ListGroupsAsync(IReadOnlyList<GroupPath>? within, PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Groups.AsNoTracking();
        if (within is not null)
            query = query.Where(AtOrBelow(within));
        if (page.After is { } after)
            query = query.Where(group => string.Compare(group.Path, after) > 0);
        var rows = await query.OrderBy(group => group.Path).Take(page.Size + 1).ToListAsync(cancellationToken);
        var listed = PageOf(rows, page, GroupRows.ToGroup, row => row.Path);
        // The database's prefix match may ignore case (SQLite's LIKE); paths are case-sensitive.
        return within is null ? listed : listed with { Items = [.. listed.Items.Where(group => within.Any(group.Path.IsWithin))] };
    }

    /// <summary><c>Path = p OR Path LIKE 'p/%'</c> for each prefix.</summary>
    private static Expression<Func<GroupEntity, bool>> AtOrBelow(IReadOnlyList<GroupPath> within) =>
        StartsWithAny<GroupEntity>(nameof(GroupEntity.Path), [.. within.Select(p => p.ToString() + "/")], [.. within.Select(p => p.ToString())]);

    /// <summary><c>lower(property)</c> contains one of <paramref name="values"/> (lower-case), as one predicate.</summary>
    private static Expression<Func<T, bool>> ContainsAny<T>(string property, IReadOnlyList<string> values)
    {
        var row = Expression.Parameter(typeof(T), "row");
        var lower = Expression.Call(Expression.Property(row, property), typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!);
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression body = Expression.Constant(false);
        foreach (var value in values)
            body = Expression.OrElse(body, Expression.Call(lower, contains, Expression.Constant(value)));
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    /// <summary><c>property LIKE 'prefix%' OR …  OR property = exact …</c>, as one predicate the providers translate.</summary>
    private static Expression<Func<T, bool>> StartsWithAny<T>(string property, IReadOnlyList<string> prefixes, IReadOnlyList<string>? exact = null)
    {
        var row = Expression.Parameter(typeof(T), "row");
        var value = Expression.Property(row, property);
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        Expression body = Expression.Constant(false);
        foreach (var prefix in prefixes)
            body = Expression.OrElse(body, Expression.Call(value, startsWith, Expression.Constant(prefix)));
        foreach (var equal in exact ?? [])
            body = Expression.OrElse(body, Expression.Equal(value, Expression.Constant(equal)));
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    public async Task<Page<Membership>> ListMembershipsAsync(string groupId, PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Memberships.AsNoTracking().Where(m => m.GroupId == groupId);
        if (page.After is { } after)
            query = query.Where(m => string.Compare(m.AccountId, after) > 0);
        var rows = await query.OrderBy(m => m.AccountId).Take(page.Size + 1).ToListAsync(cancellationToken);
        return PageOf(rows, page, GroupRows.ToMembership, row => row.AccountId);
    }

    public async Task<Membership?> FindMembershipAsync(string groupId, string accountId, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.GroupId == groupId && m.AccountId == accountId, cancellationToken) is { } row
            ? GroupRows.ToMembership(row)
            : null;

    public async Task<StoredProposal?> FindProposalAsync(ProposalKey key, CancellationToken cancellationToken) =>
        await db.Proposals.AsNoTracking()
            .SingleOrDefaultAsync(p => p.FacilityCode == key.FacilityCode && p.ProposalId == key.ProposalId, cancellationToken) is { } row
            ? new StoredProposal(GroupRows.ToProposal(row), row.TeamGroupId)
            : null;

    public async Task<StoredProposal?> FindProposalByTeamGroupAsync(string teamGroupId, CancellationToken cancellationToken) =>
        await db.Proposals.AsNoTracking().SingleOrDefaultAsync(p => p.TeamGroupId == teamGroupId, cancellationToken) is { } row
            ? new StoredProposal(GroupRows.ToProposal(row), row.TeamGroupId)
            : null;

    public async Task<Page<StoredProposal>> ListProposalsAsync(string facilityCode, PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Proposals.AsNoTracking().Where(p => p.FacilityCode == facilityCode);
        if (page.After is { } after)
            query = query.Where(p => string.Compare(p.ProposalId, after) > 0);
        var rows = await query.OrderBy(p => p.ProposalId).Take(page.Size + 1).ToListAsync(cancellationToken);
        return PageOf(rows, page, row => new StoredProposal(GroupRows.ToProposal(row), row.TeamGroupId), row => row.ProposalId);
    }

    public async Task<FacilityUserId?> FindFacilityUserIdAsync(string facilityCode, string userId, CancellationToken cancellationToken) =>
        await db.FacilityUserIds.AsNoTracking().SingleOrDefaultAsync(id => id.FacilityCode == facilityCode && id.UserId == userId, cancellationToken) is { } row
            ? new FacilityUserId(row.AccountId, row.FacilityCode, row.UserId)
            : null;

    public async Task<Page<FacilityUserId>> ListFacilityUserIdsAsync(string facilityCode, PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.FacilityUserIds.AsNoTracking().Where(id => id.FacilityCode == facilityCode);
        if (page.After is { } after)
            query = query.Where(id => string.Compare(id.UserId, after) > 0);
        var rows = await query.OrderBy(id => id.UserId).Take(page.Size + 1).ToListAsync(cancellationToken);
        return PageOf(rows, page, row => new FacilityUserId(row.AccountId, row.FacilityCode, row.UserId), row => row.UserId);
    }

    public async Task<PersonSummary?> FindPersonAsync(string accountId, CancellationToken cancellationToken) =>
        (await PeopleAsync(db.CommunityAccounts.Where(account => account.Id == accountId), cancellationToken)).SingleOrDefault();

    public async Task<PersonSummary?> FindPersonByUsernameAsync(string username, CancellationToken cancellationToken) =>
        (await PeopleAsync(db.CommunityAccounts.Where(account => account.PreferredUsername == username), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<PersonSummary>> FindPeopleByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var accountIds = (await AccountsByEmailAsync([email.Trim().ToLowerInvariant()], cancellationToken)).Select(pair => pair.Value).ToList();
        return await PeopleAsync(db.CommunityAccounts.Where(account => accountIds.Contains(account.Id)), cancellationToken);
    }

    /// <summary>
    /// (lower-cased address, account) for each account one of whose links last asserted one of
    /// <paramref name="emails"/> (lower-cased): matched as JSON text inside the stored attributes, then exactly.
    /// </summary>
    private async Task<List<KeyValuePair<string, string>>> AccountsByEmailAsync(IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        var found = new List<KeyValuePair<string, string>>();
        foreach (var chunk in emails.Chunk(EmailChunk))
        {
            var wanted = chunk.ToHashSet(StringComparer.Ordinal);
            var links = await db.UpstreamLinks.AsNoTracking()
                .Where(ContainsAny<UpstreamLinkEntity>(nameof(UpstreamLinkEntity.LastAttributesJson), [.. chunk.Select(e => JsonSerializer.Serialize(e))]))
                .Select(link => new { link.AccountId, link.LastAttributesJson })
                .ToListAsync(cancellationToken);
            found.AddRange(links
                .SelectMany(link => Emails(link.LastAttributesJson).Select(e => e.ToLowerInvariant()).Where(wanted.Contains)
                    .Select(e => KeyValuePair.Create(e, link.AccountId)))
                .Distinct());
        }
        return found;
    }

    public async Task<IReadOnlyList<PersonSummary>> SearchPeopleAsync(string text, int limit, CancellationToken cancellationToken)
    {
        var pattern = "%" + Like(text.ToLowerInvariant()) + "%";
        return await PeopleAsync(db.CommunityAccounts
            .Where(account => EF.Functions.Like(account.PreferredUsername.ToLower(), pattern, LikeEscape.ToString()))
            .OrderBy(account => account.PreferredUsername).Take(limit), cancellationToken);
    }

    public async Task<Page<AuditRecord>> ListAuditAsync(IReadOnlyList<string>? targetPrefixes, PageRequest page, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking();
        if (since is { } from)
            query = query.Where(e => e.OccurredAt >= from);
        if (targetPrefixes is not null)
            query = query.Where(StartsWithAny<AuditEventEntity>(nameof(AuditEventEntity.Target), targetPrefixes));
        if (page.After is { } after && long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var afterId))
            query = query.Where(e => e.Id > afterId);
        var rows = await query.OrderBy(e => e.Id).Take(page.Size + 1).ToListAsync(cancellationToken);
        return PageOf(rows, page, e => new AuditRecord(e.Id, e.OccurredAt, e.Actor, e.Action, e.Target, e.Details),
            e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<IReadOnlyList<PersonSummary>> PeopleAsync(IQueryable<CommunityAccountEntity> accounts, CancellationToken cancellationToken)
    {
        var rows = await accounts.AsNoTracking().Include(account => account.Links).ToListAsync(cancellationToken);
        return [.. rows.Select(account => new PersonSummary(account.Id, account.PreferredUsername,
            [.. account.Links.SelectMany(link => Emails(link.LastAttributesJson)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)]))];
    }

    private static IEnumerable<string> Emails(string attributesJson) =>
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(attributesJson)?.GetValueOrDefault(AaiProxy.Identity.InternalAttributes.Email) ?? [];

    private static string Like(string value) =>
        value.Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal);

    private static Page<T> PageOf<TRow, T>(List<TRow> rows, PageRequest page, Func<TRow, T> map, Func<TRow, string> key) =>
        new([.. rows.Take(page.Size).Select(map)], rows.Count > page.Size ? key(rows[page.Size - 1]) : null);
}
