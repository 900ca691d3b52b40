using System.Text.Json;
using System.Text.Json.Nodes;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>One linked upstream identity as its account page shows it.</summary>
public sealed record LinkedIdentity(string LinkId, UpstreamIdentity Upstream, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

/// <summary>An account with everything linked to it.</summary>
public sealed record AccountDetails(CommunityAccount Account, IReadOnlyList<LinkedIdentity> Links, DateTimeOffset? SessionsValidAfter);

/// <summary>One group membership of an account, as the account's export and the admin page show it.</summary>
public sealed record AccountMembership(string? GroupPath, string Roles, string Status);

/// <summary>An account found by an administrator's search.</summary>
public sealed record AccountSummary(string Id, string PreferredUsername, string? DisplayName, AccountStatus Status);

/// <summary>What became of a request to link an upstream identity to an account.</summary>
public enum LinkOutcome
{
    Linked,

    /// <summary>It was linked to this account already.</summary>
    AlreadyLinked,

    /// <summary>It is linked to another account: never moved silently (an administrator merges accounts).</summary>
    LinkedElsewhere,
}

/// <summary>
/// Changes to community accounts after their creation: AUP acceptances, e-mail addresses, links, state,
/// merging, deletion, export. Each change and its audit event are saved together.
/// </summary>
public sealed class AccountStore
{
    private readonly ProxyDbContext db;
    private readonly TimeProvider time;
    private readonly ICommunityAccountResolver resolver;
    private readonly AuditLog audit;

    internal AccountStore(ProxyDbContext db, TimeProvider time, ICommunityAccountResolver resolver, AuditLog audit)
    {
        this.db = db;
        this.time = time;
        this.resolver = resolver;
        this.audit = audit;
    }

    public async Task<AccountDetails?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        if (await LoadAsync(accountId, cancellationToken) is not { } account)
        {
            return null;
        }

        return new AccountDetails(CommunityAccountResolver.ToAccount(account),
            [.. account.Links.OrderBy(link => link.CreatedAt).Select(link =>
                new LinkedIdentity(link.Id, CommunityAccountResolver.ToUpstream(link), link.CreatedAt, link.LastSeenAt))],
            account.SessionsValidAfter);
    }

    /// <summary>Whether the account may have sessions, and since when: read at each request of a proxy session.</summary>
    public async Task<(AccountStatus Status, DateTimeOffset? SessionsValidAfter)?> SessionStateAsync(string accountId, CancellationToken cancellationToken) =>
        await db.CommunityAccounts.AsNoTracking().Where(account => account.Id == accountId)
            .Select(account => new { account.Status, account.SessionsValidAfter }).SingleOrDefaultAsync(cancellationToken) is { } state
            ? (state.Status, state.SessionsValidAfter)
            : null;

    public Task AcceptAupAsync(string accountId, string version, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, AuditActors.Person(accountId), AuditActions.AccountAupAccepted, new() { ["version"] = version }, account =>
        {
            if (account.AupAcceptances.All(acceptance => acceptance.Version != version))
            {
                account.AupAcceptances.Add(new AupAcceptanceEntity { AccountId = accountId, Version = version, AcceptedAt = time.GetUtcNow() });
            }
        }, cancellationToken);

    /// <summary>Links <paramref name="upstream"/> to the account, unless it is linked to any account already.</summary>
    public async Task<LinkOutcome> LinkAsync(string accountId, UpstreamIdentity upstream, CancellationToken cancellationToken)
    {
        if (await resolver.FindAsync(upstream, cancellationToken) is { } existing)
        {
            return existing.Account.Id == accountId ? LinkOutcome.AlreadyLinked : LinkOutcome.LinkedElsewhere;
        }

        var now = time.GetUtcNow();
        var link = new UpstreamLinkEntity
        {
            Id = CommunityAccountResolver.NewOpaqueId(), Protocol = upstream.Protocol, Issuer = upstream.Issuer, Subject = upstream.Subject,
            SubjectSource = upstream.SubjectSource, AccountId = accountId, CreatedAt = now, LastSeenAt = now,
            LastAttributesJson = JsonSerializer.Serialize(upstream.Attributes),
            LastAuthenticatedAt = upstream.Authentication.AuthenticatedAt.ToUniversalTime(), LastContextClass = upstream.Authentication.ContextClass,
        };
        try
        {
            await ChangeAsync(accountId, AuditActors.Person(accountId), AuditActions.AccountLinked,
                new() { ["link"] = link.Id, ["issuer"] = upstream.Issuer }, account => account.Links.Add(link), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Linked by another request meanwhile.
            db.ChangeTracker.Clear();
            return (await resolver.FindAsync(upstream, cancellationToken))?.Account.Id == accountId ? LinkOutcome.AlreadyLinked : LinkOutcome.LinkedElsewhere;
        }

        // The login that linked it also counts as a login of that identity (vouched e-mails, ORCID iD).
        await resolver.FindAsync(upstream, cancellationToken);
        return LinkOutcome.Linked;
    }

    /// <returns>False when it is the account's last identity (or not the account's): an account keeps at least one.</returns>
    public async Task<bool> UnlinkAsync(string accountId, string linkId, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(accountId, cancellationToken);
        var link = account?.Links.FirstOrDefault(candidate => candidate.Id == linkId);
        if (account is null || link is null || account.Links.Count < 2)
        {
            return false;
        }

        await ChangeAsync(accountId, AuditActors.Person(accountId), AuditActions.AccountUnlinked,
            new() { ["link"] = linkId, ["issuer"] = link.Issuer }, _ => db.UpstreamLinks.Remove(link), cancellationToken);
        return true;
    }

    public Task AddVerifiedEmailAsync(string accountId, string address, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, AuditActors.Person(accountId), AuditActions.AccountEmailVerified,
            new() { ["email_domain"] = address[(address.LastIndexOf('@') + 1)..] }, account =>
        {
            var now = time.GetUtcNow();
            var known = account.Emails.FirstOrDefault(email => email.Address.Equals(address, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                account.Emails.Add(new AccountEmailEntity
                {
                    AccountId = accountId, Address = address, AddedAt = now, VerifiedAt = now, VerifiedBy = AccountEmailSources.Mail,
                });
            }
            else
            {
                known.VerifiedAt ??= now;
                known.VerifiedBy ??= AccountEmailSources.Mail;
            }
        }, cancellationToken);

    /// <summary>Suspends or reactivates an account; suspension also ends its proxy sessions.</summary>
    public Task SetStatusAsync(string accountId, AccountStatus status, string actor, CancellationToken cancellationToken) =>
        status == AccountStatus.Deleted
            ? throw new ArgumentOutOfRangeException(nameof(status), "Accounts are deleted by DeleteAsync.")
            : ChangeAsync(accountId, actor, status == AccountStatus.Suspended ? AuditActions.AccountSuspended : AuditActions.AccountReactivated,
                new() { ["status"] = status.ToString() }, account =>
                {
                    account.Status = status;
                    if (status == AccountStatus.Suspended)
                    {
                        account.SessionsValidAfter = time.GetUtcNow();
                    }
                }, cancellationToken);

    /// <summary>Proxy sessions started before now are no longer accepted.</summary>
    public Task EndSessionsAsync(string accountId, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, actor, AuditActions.AccountSignedOutEverywhere, new(),
            account => account.SessionsValidAfter = time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Deletes what the account holds about the person: links (with their released attributes), e-mail
    /// addresses, AUP acceptances, memberships, facility user ids, name and ORCID iD. What remains is a row with the
    /// identifier and preferred username in state Deleted, so that neither is ever given to anyone else, and the
    /// audit log (which names the account by its opaque id only).
    /// </summary>
    public async Task DeleteAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ChangeAsync(accountId, actor, AuditActions.AccountDeleted, new(), account => Empty(account), cancellationToken);
        await db.Memberships.Where(membership => membership.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
        await db.FacilityUserIds.Where(id => id.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Moves everything of <paramref name="sourceId"/> to <paramref name="targetId"/>: linked identities, e-mail
    /// addresses, AUP acceptances, memberships (where the target is not a member already), facility user ids and
    /// proposal teams. The source stays behind in state Deleted. Audited on both accounts.
    /// </summary>
    public async Task MergeAsync(string sourceId, string targetId, string actor, CancellationToken cancellationToken)
    {
        if (sourceId == targetId)
        {
            throw new ArgumentException("An account cannot be merged into itself.", nameof(targetId));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var source = await LoadAsync(sourceId, cancellationToken) ?? throw new KeyNotFoundException($"No account {sourceId}.");
        var target = await LoadAsync(targetId, cancellationToken) ?? throw new KeyNotFoundException($"No account {targetId}.");
        if (source.Status == AccountStatus.Deleted || target.Status == AccountStatus.Deleted)
        {
            throw new InvalidOperationException("A deleted account cannot be merged.");
        }

        var moved = new Dictionary<string, string>
        {
            ["source"] = sourceId,
            ["target"] = targetId,
            ["links"] = string.Join(' ', source.Links.Select(link => link.Id)),
            ["emails"] = string.Join(' ', source.Emails.Select(email => email.Address)),
            ["memberships"] = (await MoveMembershipsAsync(sourceId, targetId, cancellationToken)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var link in source.Links.ToList())
        {
            source.Links.Remove(link);
            link.Account = target;
            link.AccountId = targetId;
            target.Links.Add(link);
        }

        foreach (var email in source.Emails.Where(email => !target.Emails.Any(known => known.Address.Equals(email.Address, StringComparison.OrdinalIgnoreCase))))
        {
            target.Emails.Add(new AccountEmailEntity
            {
                AccountId = targetId, Address = email.Address, AddedAt = email.AddedAt, VerifiedAt = email.VerifiedAt, VerifiedBy = email.VerifiedBy,
            });
        }

        foreach (var acceptance in source.AupAcceptances.Where(acceptance => target.AupAcceptances.All(known => known.Version != acceptance.Version)))
        {
            target.AupAcceptances.Add(new AupAcceptanceEntity { AccountId = targetId, Version = acceptance.Version, AcceptedAt = acceptance.AcceptedAt });
        }

        target.Orcid ??= source.Orcid;
        target.DisplayName ??= source.DisplayName;
        Empty(source);
        var deleted = audit.Stage(new AuditEvent(actor, AuditActions.AccountDeleted, sourceId, new Dictionary<string, string> { ["merged_into"] = targetId }));
        var merged = audit.Stage(new AuditEvent(actor, AuditActions.AccountMerged, targetId, moved));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        audit.Written(merged);
        audit.Written(deleted);
    }

    /// <summary>Everything the proxy holds about the person, as one JSON document ("export my data").</summary>
    public async Task<JsonObject?> ExportAsync(string accountId, CancellationToken cancellationToken)
    {
        if (await GetAsync(accountId, cancellationToken) is not { } details)
        {
            return null;
        }

        var memberships = await MembershipsAsync(accountId, cancellationToken);
        var account = details.Account;
        return new JsonObject
        {
            ["sub"] = account.Id,
            ["preferred_username"] = account.PreferredUsername,
            ["display_name"] = account.DisplayName,
            ["orcid"] = account.Orcid,
            ["status"] = account.Status.ToString(),
            ["created_at"] = account.CreatedAt,
            ["emails"] = new JsonArray([.. account.Emails.Select(email => (JsonNode)new JsonObject
                { ["address"] = email.Address, ["verified"] = email.Verified })]),
            ["aup_acceptances"] = new JsonArray([.. account.AupAcceptances.Select(acceptance => (JsonNode)new JsonObject
                { ["version"] = acceptance.Version, ["accepted_at"] = acceptance.AcceptedAt })]),
            ["linked_identities"] = new JsonArray([.. details.Links.Select(link => (JsonNode)new JsonObject
            {
                ["protocol"] = link.Upstream.Protocol,
                ["issuer"] = link.Upstream.Issuer,
                ["subject"] = link.Upstream.Subject,
                ["first_seen"] = link.FirstSeenAt,
                ["last_seen"] = link.LastSeenAt,
                ["last_released_attributes"] = JsonSerializer.SerializeToNode(link.Upstream.Attributes),
            })]),
            ["memberships"] = new JsonArray([.. memberships.Select(membership => (JsonNode)new JsonObject
                { ["group"] = membership.GroupPath, ["roles"] = membership.Roles, ["status"] = membership.Status })]),
        };
    }

    /// <summary>The account's group memberships, by group path.</summary>
    public async Task<IReadOnlyList<AccountMembership>> MembershipsAsync(string accountId, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking().Where(membership => membership.AccountId == accountId)
            .OrderBy(membership => membership.Group!.Path)
            .Select(membership => new AccountMembership(membership.Group!.Path, membership.Roles, membership.Status))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Accounts an administrator looks for by one text: the community id or a linked identity's upstream subject (exact),
    /// an e-mail address (exact, any case), or part of the username or display name (any case). At most
    /// <paramref name="limit"/>, by username.
    /// </summary>
    public async Task<IReadOnlyList<AccountSummary>> SearchAsync(string text, int limit, CancellationToken cancellationToken)
    {
        var term = text.Trim();
        var lowered = term.ToLowerInvariant();
        return await db.CommunityAccounts.AsNoTracking()
            .Where(account => account.Id == term
                              || account.Links.Any(link => link.Subject == term)
                              || account.Emails.Any(email => email.Address.ToLower() == lowered)
                              || account.PreferredUsername.ToLower().Contains(lowered)
                              || (account.DisplayName != null && account.DisplayName.ToLower().Contains(lowered)))
            .OrderBy(account => account.PreferredUsername)
            .Take(limit)
            .Select(account => new AccountSummary(account.Id, account.PreferredUsername, account.DisplayName, account.Status))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Retention: audit entries older than <paramref name="auditBefore"/> are deleted; the released attributes of
    /// links not used since <paramref name="attributesBefore"/> (when set) are forgotten (the link itself stays, so the
    /// person still reaches their account, and the next login stores them afresh).
    /// </summary>
    /// <returns>How many audit entries and link attribute sets were removed.</returns>
    public async Task<(int AuditEntries, int LinkAttributes)> PruneAsync(DateTimeOffset auditBefore, DateTimeOffset? attributesBefore,
        CancellationToken cancellationToken)
    {
        var audits = await db.AuditEvents.Where(entry => entry.OccurredAt < auditBefore).ExecuteDeleteAsync(cancellationToken);
        var attributes = attributesBefore is { } before
            ? await db.UpstreamLinks.Where(link => link.LastSeenAt < before && link.LastAttributesJson != "{}")
                .ExecuteUpdateAsync(update => update.SetProperty(link => link.LastAttributesJson, "{}"), cancellationToken)
            : 0;
        return (audits, attributes);
    }

    private void Empty(CommunityAccountEntity account)
    {
        account.Status = AccountStatus.Deleted;
        account.DisplayName = null;
        account.Orcid = null;
        account.SessionsValidAfter = time.GetUtcNow();
        db.UpstreamLinks.RemoveRange(account.Links);
        db.AccountEmails.RemoveRange(account.Emails);
        db.AupAcceptances.RemoveRange(account.AupAcceptances);
    }

    private async Task<int> MoveMembershipsAsync(string sourceId, string targetId, CancellationToken cancellationToken)
    {
        var theirs = await db.Memberships.Where(membership => membership.AccountId == sourceId).ToListAsync(cancellationToken);
        var targetGroups = await db.Memberships.Where(membership => membership.AccountId == targetId)
            .Select(membership => membership.GroupId).ToListAsync(cancellationToken);
        var moved = theirs.Where(membership => !targetGroups.Contains(membership.GroupId)).ToList();
        db.Memberships.RemoveRange(theirs);
        db.Memberships.AddRange(moved.Select(membership => new MembershipEntity
        {
            GroupId = membership.GroupId, AccountId = targetId, Roles = membership.Roles, Start = membership.Start, End = membership.End,
            Status = membership.Status,
        }));
        foreach (var id in await db.FacilityUserIds.Where(id => id.AccountId == sourceId).ToListAsync(cancellationToken))
        {
            id.AccountId = targetId;
        }

        // Proposal teams name their people by account id (opaque, base64url: no JSON escaping involved).
        foreach (var proposal in await db.Proposals.Where(proposal => proposal.TeamJson.Contains(sourceId)).ToListAsync(cancellationToken))
        {
            proposal.TeamJson = proposal.TeamJson.Replace($"\"{sourceId}\"", $"\"{targetId}\"", StringComparison.Ordinal);
        }

        await db.SaveChangesAsync(cancellationToken);
        return moved.Count;
    }

    private async Task ChangeAsync(string accountId, string actor, string action, Dictionary<string, string> details,
        Action<CommunityAccountEntity> change, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(accountId, cancellationToken) ?? throw new KeyNotFoundException($"No account {accountId}.");
        change(account);
        var entry = audit.Stage(new AuditEvent(actor, action, accountId, details));
        await db.SaveChangesAsync(cancellationToken);
        audit.Written(entry);
    }

    private Task<CommunityAccountEntity?> LoadAsync(string accountId, CancellationToken cancellationToken) =>
        db.CommunityAccounts.Include(account => account.Links).Include(account => account.Emails).Include(account => account.AupAcceptances)
            .AsSplitQuery().SingleOrDefaultAsync(account => account.Id == accountId, cancellationToken);
}
