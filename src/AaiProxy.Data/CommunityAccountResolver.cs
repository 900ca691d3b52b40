using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Community accounts and upstream links over EF Core.</summary>
internal sealed class CommunityAccountResolver(ProxyDbContext db, TimeProvider time) : ICommunityAccountResolver
{
    public async Task<ResolvedIdentity> ResolveAsync(UpstreamIdentity upstream, CancellationToken cancellationToken)
    {
        var link = await FindLinkAsync(upstream, cancellationToken);
        if (link is null)
        {
            link = NewLinkWithAccount(upstream);
            db.UpstreamLinks.Add(link);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node or request linked the same upstream identity first: the unique index
                // on (protocol, issuer, subject) keeps one account per person, so use theirs.
                db.ChangeTracker.Clear();
                link = await FindLinkAsync(upstream, cancellationToken)
                    ?? throw new InvalidOperationException("The upstream link could be neither created nor found.");
            }
        }

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
            link => link.Protocol == upstream.Protocol && link.Issuer == upstream.Issuer && link.Subject == upstream.Subject,
            cancellationToken);

    private UpstreamLinkEntity NewLinkWithAccount(UpstreamIdentity upstream)
    {
        var now = time.GetUtcNow();
        var account = new CommunityAccountEntity { Id = NewOpaqueId(), CreatedAt = now, Status = AccountStatus.Active };
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
        link.SubjectSource = upstream.SubjectSource;
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
        return new ResolvedIdentity(new CommunityAccount(account.Id, account.CreatedAt, account.Status), link.Id, upstream);
    }

    /// <summary>256 random bits, base64url: opaque, unguessable, and free of any upstream information.</summary>
    private static string NewOpaqueId() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    internal static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
