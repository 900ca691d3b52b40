using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Community accounts and upstream links over EF Core.</summary>
internal sealed class CommunityAccountResolver(ProxyDbContext db, TimeProvider time) : ICommunityAccountResolver
{
    // Enough to survive a burst of people with the same name signing up at the same moment.
    private const int MaxCreateAttempts = 5;

    public async Task<ResolvedIdentity> ResolveAsync(UpstreamIdentity upstream, CancellationToken cancellationToken)
    {
        var link = await FindLinkAsync(upstream, cancellationToken) ?? await CreateLinkWithAccountAsync(upstream, cancellationToken);
        RecordLogin(link, upstream);
        await db.SaveChangesAsync(cancellationToken);
        return ToResolved(link.Account!, link);
    }

    public async Task<ResolvedIdentity?> ReloadAsync(string accountId, string linkId, CancellationToken cancellationToken)
    {
        var link = await db.UpstreamLinks.Include(candidate => candidate.Account)
            .SingleOrDefaultAsync(candidate => candidate.Id == linkId && candidate.AccountId == accountId, cancellationToken);
        return link?.Account is { Status: AccountStatus.Active } account ? ToResolved(account, link) : null;
    }

    private Task<UpstreamLinkEntity?> FindLinkAsync(UpstreamIdentity upstream, CancellationToken cancellationToken) =>
        db.UpstreamLinks.Include(link => link.Account).SingleOrDefaultAsync(
            link => link.Protocol == upstream.Protocol && link.Issuer == upstream.Issuer &&
                    link.SubjectSource == upstream.SubjectSource && link.Subject == upstream.Subject,
            cancellationToken);

    /// <summary>
    /// A first login: a new account with a free preferred username, and its link. Two unique indexes
    /// settle races between nodes: the link key (another request linked the same person first: use
    /// theirs) and the username (another account took the name meanwhile: choose again).
    /// </summary>
    private async Task<UpstreamLinkEntity> CreateLinkWithAccountAsync(UpstreamIdentity upstream, CancellationToken cancellationToken)
    {
        var baseName = PreferredUsernames.BaseName(upstream);
        for (var attempt = 0; attempt < MaxCreateAttempts; attempt++)
        {
            var link = NewLinkWithAccount(upstream, await FreeUsernameAsync(baseName, cancellationToken));
            db.UpstreamLinks.Add(link);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return link;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                if (await FindLinkAsync(upstream, cancellationToken) is { } theirs)
                {
                    return theirs;
                }
            }
        }

        throw new InvalidOperationException("The upstream link could be neither created nor found.");
    }

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

    private UpstreamLinkEntity NewLinkWithAccount(UpstreamIdentity upstream, string preferredUsername)
    {
        var now = time.GetUtcNow();
        var account = new CommunityAccountEntity
        {
            Id = NewOpaqueId(), CreatedAt = now, Status = AccountStatus.Active, PreferredUsername = preferredUsername,
        };
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

    private static void RecordLogin(UpstreamLinkEntity link, UpstreamIdentity upstream)
    {
        link.LastAttributesJson = JsonSerializer.Serialize(upstream.Attributes);
        link.LastAuthenticatedAt = upstream.Authentication.AuthenticatedAt.ToUniversalTime();
        link.LastContextClass = upstream.Authentication.ContextClass;
    }

    private static ResolvedIdentity ToResolved(CommunityAccountEntity account, UpstreamLinkEntity link)
    {
        var attributes = JsonSerializer.Deserialize<Dictionary<string, string[]>>(link.LastAttributesJson) ?? [];
        var upstream = new UpstreamIdentity(
            link.Protocol,
            link.Issuer,
            link.Subject,
            link.SubjectSource,
            attributes.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal),
            new UpstreamAuthentication(link.LastAuthenticatedAt, link.LastContextClass));
        return new ResolvedIdentity(new CommunityAccount(account.Id, account.CreatedAt, account.Status, account.PreferredUsername), link.Id, upstream);
    }

    /// <summary>256 random bits, base64url: opaque, unguessable, and free of any upstream information.</summary>
    internal static string NewOpaqueId() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    internal static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
