namespace AaiProxy.Identity;

/// <summary>Whether a community account may sign in and keep its tokens alive.</summary>
public enum AccountStatus
{
    Active = 0,
    Suspended = 1,

    /// <summary>Deleted by the person or merged into another account: only the identifier and the preferred
    /// username remain, so that neither is ever given to anyone else.</summary>
    Deleted = 2,
}

/// <summary>An e-mail address of an account. Only verified addresses make <c>email_verified</c> true.</summary>
public sealed record AccountEmail(string Address, bool Verified);

/// <summary>One acceptance of one version of the acceptable use policy.</summary>
public sealed record AupAcceptance(string Version, DateTimeOffset AcceptedAt);

/// <summary>A community account as the rest of the proxy sees it.</summary>
/// <param name="Id">The opaque, persistent community identifier: the OIDC <c>sub</c> and <c>voperson_id</c>.</param>
/// <param name="PreferredUsername">Chosen once at account creation (<see cref="PreferredUsernames"/>), unique,
/// never changed or reassigned.</param>
public sealed record CommunityAccount(string Id, DateTimeOffset CreatedAt, AccountStatus Status, string PreferredUsername)
{
    public string? DisplayName { get; init; }

    /// <summary>The person's ORCID iD as a URI, once an ORCID login was linked.</summary>
    public string? Orcid { get; init; }

    public IReadOnlyList<AccountEmail> Emails { get; init; } = [];

    public IReadOnlyList<AupAcceptance> AupAcceptances { get; init; } = [];

    public bool HasAccepted(string aupVersion) => AupAcceptances.Any(acceptance => acceptance.Version == aupVersion);

    public bool IsVerified(string email) =>
        Emails.Any(known => known.Verified && known.Address.Equals(email, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A community account together with the upstream identity the person used for this session: the
/// input of claims computation.
/// </summary>
/// <param name="LinkId">The stored link between the upstream identity and the account. Sessions and
/// refresh tokens carry it so that claims can be recomputed from the last stored upstream attributes.</param>
public sealed record ResolvedIdentity(CommunityAccount Account, string LinkId, UpstreamIdentity Upstream)
{
    /// <summary>The same person and attributes, authenticated as one particular session was: the
    /// stored link only remembers the latest login, which may have been another, stronger or weaker one.</summary>
    public ResolvedIdentity WithAuthentication(UpstreamAuthentication authentication) =>
        this with { Upstream = Upstream with { Authentication = authentication } };
}

/// <summary>What a new account starts with besides its first upstream identity.</summary>
/// <param name="VerifiedEmails">Addresses the person confirmed by a mailed link. Those the identity provider
/// vouches for (<see cref="EmailAddresses.VouchedFor"/>) are added by the resolver, as at every login.</param>
/// <param name="AupVersion">The version of the acceptable use policy the person accepted, if one was asked.</param>
/// <param name="Actor">Who created it, for the audit log: the person (their new id is not known yet, so
/// <see cref="AuditActors.Registration"/>) or <see cref="AuditActors.AutomaticRegistration"/>.</param>
public sealed record AccountRegistration(IReadOnlyList<string> VerifiedEmails, string? AupVersion, string Actor)
{
    public static AccountRegistration Automatic { get; } = new([], null, AuditActors.AutomaticRegistration);
}

/// <summary>
/// Turns upstream identities into community accounts: the only way a person gets a community identifier.
/// </summary>
public interface ICommunityAccountResolver
{
    /// <summary>
    /// Finds the account linked to <paramref name="upstream"/> (protocol, issuer, subject kind, subject) and
    /// records this login on the link (last seen, the released attributes, e-mail addresses the issuer vouches
    /// for). Null when no account is linked: the person has not registered.
    /// </summary>
    Task<ResolvedIdentity?> FindAsync(UpstreamIdentity upstream, CancellationToken cancellationToken);

    /// <summary>
    /// Creates an account (with its preferred username), its first link, its e-mail addresses and AUP
    /// acceptance (and the upstream e-mail addresses the issuer vouches for, verified), audited, in one transaction. When another request linked the same identity meanwhile, that
    /// account is returned instead.
    /// </summary>
    Task<ResolvedIdentity> RegisterAsync(UpstreamIdentity upstream, AccountRegistration registration, CancellationToken cancellationToken);

    /// <summary>
    /// Reloads an account and the last stored upstream identity of one link, for a session, a refresh
    /// token or a userinfo request that outlives the login. Null when the account or link is gone or the account is not active.
    /// </summary>
    Task<ResolvedIdentity?> ReloadAsync(string accountId, string linkId, CancellationToken cancellationToken);

    /// <summary>Registration mode <c>Automatic</c>: the linked account, or a new one at first login.</summary>
    async Task<ResolvedIdentity> ResolveAsync(UpstreamIdentity upstream, CancellationToken cancellationToken) =>
        await FindAsync(upstream, cancellationToken) ?? await RegisterAsync(upstream, AccountRegistration.Automatic, cancellationToken);
}

/// <summary>
/// The domains an upstream issuer is authoritative for (a SAML IdP's <c>shibmd:Scope</c>s). Supplied by the
/// host, which knows the configured and federated providers; none by default.
/// </summary>
public interface IUpstreamDomains
{
    ValueTask<IReadOnlyList<string>> DomainsOfAsync(string issuer, CancellationToken cancellationToken);
}

/// <summary>E-mail address rules shared by registration, login and claims.</summary>
public static class EmailAddresses
{
    /// <summary>The addresses whose domain is one of <paramref name="domains"/> or below it: an identity
    /// provider vouches for the addresses of its own domains (REFEDS OIDCre's <c>email_verified</c>).</summary>
    public static IReadOnlyList<string> VouchedFor(IEnumerable<string> emails, IReadOnlyList<string> domains) =>
        [.. emails.Where(email => IsWellFormed(email) && domains.Any(domain => Covers(domain, Domain(email))))];

    /// <summary>One @, something before it, a dotted domain after it, no spaces, at most 254 characters (RFC 5321 4.5.3.1.3).</summary>
    public static bool IsWellFormed(string? email) =>
        email is { Length: > 2 and <= 254 } && email.IndexOf('@') is var at && at > 0 && at == email.LastIndexOf('@') &&
        email[(at + 1)..].Contains('.') && !email.EndsWith('.') && !email.Any(char.IsWhiteSpace);

    private static string Domain(string email) => email[(email.LastIndexOf('@') + 1)..];

    private static bool Covers(string scope, string domain) =>
        domain.Equals(scope, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + scope, StringComparison.OrdinalIgnoreCase);
}

/// <summary>How a person is called: the upstream display name, else given and family name.</summary>
public static class AccountNames
{
    public static string? DisplayName(UpstreamIdentity upstream)
    {
        if (upstream.FirstValue(InternalAttributes.Name) is { Length: > 0 } name && !string.IsNullOrWhiteSpace(name))
        {
            return name;
        }

        var composed = string.Join(' ', new[] { upstream.FirstValue(InternalAttributes.GivenName), upstream.FirstValue(InternalAttributes.FamilyName) }
            .Where(part => !string.IsNullOrWhiteSpace(part)));
        return composed.Length > 0 ? composed : null;
    }
}

/// <summary>How an e-mail address was verified, besides the issuer that vouched for it.</summary>
public static class AccountEmailSources
{
    /// <summary>The person followed a link mailed to the address.</summary>
    public const string Mail = "mail";
}
