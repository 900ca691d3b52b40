using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Community accounts and upstream links over EF Core.</summary>
internal sealed class CommunityAccountResolver(ProxyDbContext db, TimeProvider time, IUpstreamDomains domains, AuditLog audit)
    : ICommunityAccountResolver
{
    // Enough to survive a burst of people with the same name signing up at the same moment.
    private const int MaxCreateAttempts = 5;

    public async Task<ResolvedIdentity?> FindAsync(UpstreamIdentity upstream, CancellationToken cancellationToken)
    {
        if (await FindLinkAsync(upstream, cancellationToken) is not { } link)
        {
            return null;
        }

        RecordLogin(link, upstream, await VouchedEmailsAsync(upstream, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        return ToResolved(link.Account!, link);
    }

    public async Task<ResolvedIdentity> RegisterAsync(UpstreamIdentity upstream, AccountRegistration registration, CancellationToken cancellationToken)
    {
        var vouched = await VouchedEmailsAsync(upstream, cancellationToken);
        var baseName = PreferredUsernames.BaseName(upstream);
        for (var attempt = 0; attempt < MaxCreateAttempts; attempt++)
        {
            var link = NewLinkWithAccount(upstream, await FreeUsernameAsync(baseName, cancellationToken), registration);
            RecordLogin(link, upstream, vouched);
            db.UpstreamLinks.Add(link);
            var created = audit.Stage(new AuditEvent(registration.Actor, AuditActions.AccountCreated, link.AccountId, new Dictionary<string, string>
            {
                ["link"] = link.Id,
                ["issuer"] = upstream.Issuer,
                ["aup"] = registration.AupVersion ?? "",
            }));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                audit.Written(created);
                return ToResolved(link.Account!, link);
            }
            catch (DbUpdateException)
            {
                // Another request linked the same person first (use theirs) or took the name (choose again).
                db.ChangeTracker.Clear();
                if (await FindAsync(upstream, cancellationToken) is { } theirs)
                {
                    return theirs;
                }
            }
        }

        throw new InvalidOperationException("The upstream link could be neither created nor found.");
    }

    public async Task<ResolvedIdentity?> ReloadAsync(string accountId, string linkId, CancellationToken cancellationToken)
    {
        var link = await WithAccount(db.UpstreamLinks)
            .SingleOrDefaultAsync(candidate => candidate.Id == linkId && candidate.AccountId == accountId, cancellationToken);
        return link?.Account is { Status: AccountStatus.Active } account ? ToResolved(account, link) : null;
    }

    private Task<UpstreamLinkEntity?> FindLinkAsync(UpstreamIdentity upstream, CancellationToken cancellationToken) =>
        WithAccount(db.UpstreamLinks).SingleOrDefaultAsync(
            link => link.Protocol == upstream.Protocol && link.Issuer == upstream.Issuer &&
                    link.SubjectSource == upstream.SubjectSource && link.Subject == upstream.Subject,
            cancellationToken);

    private static IQueryable<UpstreamLinkEntity> WithAccount(IQueryable<UpstreamLinkEntity> links) =>
        links.Include(link => link.Account!).ThenInclude(account => account.Emails)
            .Include(link => link.Account!).ThenInclude(account => account.AupAcceptances)
            .AsSplitQuery();

    private async Task<IReadOnlyList<string>> VouchedEmailsAsync(UpstreamIdentity upstream, CancellationToken cancellationToken) =>
        EmailAddresses.VouchedFor(upstream.Values(InternalAttributes.Email), await domains.DomainsOfAsync(upstream.Issuer, cancellationToken));

    /// <summary><paramref name="baseName"/>, else the first of <c>baseName2</c>, <c>baseName3</c>, … nobody has.</summary>
    private async Task<string> FreeUsernameAsync(string baseName, CancellationToken cancellationToken)
    {
        // Every candidate starts with this (a suffix of up to 10 digits may cut the base).
        var stem = baseName[..Math.Min(baseName.Length, PreferredUsernames.MaxLength - 10)];
        var taken = (await db.CommunityAccounts.Where(account => account.PreferredUsername.StartsWith(stem))
            .Select(account => account.PreferredUsername).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var candidate = baseName;
        for (var n = 2; taken.Contains(candidate); n++)
        {
            candidate = PreferredUsernames.WithSuffix(baseName, n);
        }

        return candidate;
    }

    private UpstreamLinkEntity NewLinkWithAccount(UpstreamIdentity upstream, string preferredUsername, AccountRegistration registration)
    {
        var now = time.GetUtcNow();
        var account = new CommunityAccountEntity
        {
            Id = NewOpaqueId(), CreatedAt = now, Status = AccountStatus.Active, PreferredUsername = preferredUsername,
            DisplayName = AccountNames.DisplayName(upstream),
            Emails = [.. registration.VerifiedEmails.Distinct(StringComparer.OrdinalIgnoreCase).Select(address => new AccountEmailEntity
            {
                AccountId = "", Address = address, AddedAt = now, VerifiedAt = now, VerifiedBy = AccountEmailSources.Mail,
            })],
        };
        if (registration.AupVersion is { } version)
        {
            account.AupAcceptances.Add(new AupAcceptanceEntity { AccountId = account.Id, Version = version, AcceptedAt = now });
        }

        foreach (var email in account.Emails)
        {
            email.AccountId = account.Id;
        }

        return new UpstreamLinkEntity
        {
            Id = NewOpaqueId(),
            Protocol = upstream.Protocol,
            Issuer = upstream.Issuer,
            Subject = upstream.Subject,
            SubjectSource = upstream.SubjectSource,
            AccountId = account.Id,
            Account = account,
            CreatedAt = now,
            LastAttributesJson = "{}",
        };
    }

    /// <summary>This login on its link: last seen, the released attributes, the addresses the issuer vouches for
    /// (verified), and an ORCID iD the account had none of.</summary>
    private void RecordLogin(UpstreamLinkEntity link, UpstreamIdentity upstream, IReadOnlyList<string> vouchedEmails)
    {
        var now = time.GetUtcNow();
        link.LastAttributesJson = JsonSerializer.Serialize(upstream.Attributes);
        link.LastAuthenticatedAt = upstream.Authentication.AuthenticatedAt.ToUniversalTime();
        link.LastContextClass = upstream.Authentication.ContextClass;
        link.LastSeenAt = now;
        var account = link.Account!;
        account.Orcid ??= upstream.FirstValue(InternalAttributes.Orcid);
        foreach (var address in vouchedEmails)
        {
            var known = account.Emails.FirstOrDefault(email => email.Address.Equals(address, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                account.Emails.Add(new AccountEmailEntity
                {
                    AccountId = account.Id, Address = address, AddedAt = now, VerifiedAt = now, VerifiedBy = upstream.Issuer,
                });
            }
            else if (known.VerifiedAt is null)
            {
                known.VerifiedAt = now;
                known.VerifiedBy = upstream.Issuer;
            }
        }
    }

    internal static CommunityAccount ToAccount(CommunityAccountEntity account) =>
        new(account.Id, account.CreatedAt, account.Status, account.PreferredUsername)
        {
            DisplayName = account.DisplayName,
            Orcid = account.Orcid,
            Emails = [.. account.Emails.OrderBy(email => email.AddedAt).ThenBy(email => email.Id)
                .Select(email => new AccountEmail(email.Address, email.VerifiedAt is not null))],
            AupAcceptances = [.. account.AupAcceptances.OrderBy(acceptance => acceptance.AcceptedAt)
                .Select(acceptance => new AupAcceptance(acceptance.Version, acceptance.AcceptedAt))],
        };

    internal static UpstreamIdentity ToUpstream(UpstreamLinkEntity link)
    {
        var attributes = JsonSerializer.Deserialize<Dictionary<string, string[]>>(link.LastAttributesJson) ?? [];
        return new UpstreamIdentity(
            link.Protocol,
            link.Issuer,
            link.Subject,
            link.SubjectSource,
            attributes.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal),
            new UpstreamAuthentication(link.LastAuthenticatedAt, link.LastContextClass));
    }

    private static ResolvedIdentity ToResolved(CommunityAccountEntity account, UpstreamLinkEntity link) =>
        new(ToAccount(account), link.Id, ToUpstream(link));

    /// <summary>256 random bits, base64url: opaque, unguessable, and free of any upstream information.</summary>
    internal static string NewOpaqueId() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    internal static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
