using System.Collections.Immutable;
using AaiProxy.Data;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Accounts;

/// <summary>One consent as the account page lists it.</summary>
internal sealed record ConsentView(string AuthorizationId, string ClientId, string ClientName, DateTimeOffset? GrantedAt, ImmutableArray<string> Scopes);

/// <summary>
/// Stored consents: an OpenIddict authorization of type <c>permanent</c> per person and client, whose subject is the
/// <c>sub</c> the client knows the person by (public or pairwise, as its tokens carry it) and whose scopes are
/// every scope allowed so far. Tokens are not attached to it (each code flow keeps its own ad-hoc authorization,
/// so revoking one grant at <c>/connect/revoke</c> leaves the consent); withdrawing it revokes every authorization
/// and token of that person at that client. Each grant and withdrawal is audited in the same transaction.
/// </summary>
internal sealed class Consents(
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    IOpenIddictApplicationManager applications,
    AccountAdministration accounts,
    ProxyDbContext db,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Whether a stored consent of <paramref name="subject"/> for the application covers every one of <paramref name="scopes"/>.</summary>
    public async Task<bool> CoversAsync(string subject, string applicationId, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        await foreach (var _ in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken))
        {
            return true;
        }

        return false;
    }

    /// <summary>Stores the consent of account <paramref name="accountId"/> (known to the client as <paramref name="subject"/>) to these
    /// scopes, together with those allowed before: one permanent authorization replaces the earlier ones.</summary>
    public async Task GrantAsync(string accountId, string subject, string applicationId, string clientId, ImmutableArray<string> scopes,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Read whole before changing: the stores share one database context.
        var earlier = await authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, null, cancellationToken)
            .ToListAsync(cancellationToken);
        var allowed = new SortedSet<string>(scopes, StringComparer.Ordinal);
        foreach (var authorization in earlier)
        {
            allowed.UnionWith(await authorizations.GetScopesAsync(authorization, cancellationToken));
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }

        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            Subject = subject,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = time.GetUtcNow(),
        };
        descriptor.Scopes.UnionWith(allowed);
        await authorizations.CreateAsync(descriptor, cancellationToken);
        await audit.RecordAsync(new AuditEvent(AuditActors.Person(accountId), AuditActions.ConsentGranted, accountId,
            new Dictionary<string, string> { ["client_id"] = clientId, ["scopes"] = string.Join(' ', allowed) }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The account's stored consents, newest first.</summary>
    public async Task<IReadOnlyList<ConsentView>> ListAsync(string accountId, CancellationToken cancellationToken)
    {
        var consents = new List<ConsentView>();
        foreach (var subject in accounts.SubjectsOf(accountId))
        {
            // Read whole before the next queries: PostgreSQL runs one command at a time per connection.
            foreach (var authorization in await authorizations.FindAsync(subject, null, Statuses.Valid, AuthorizationTypes.Permanent, null, cancellationToken)
                         .ToListAsync(cancellationToken))
            {
                var application = await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is { } applicationId
                    ? await applications.FindByIdAsync(applicationId, cancellationToken)
                    : null;
                var clientId = application is null ? "" : await applications.GetClientIdAsync(application, cancellationToken) ?? "";
                var name = application is null ? "(unknown)" : await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId;
                consents.Add(new ConsentView((await authorizations.GetIdAsync(authorization, cancellationToken))!, clientId, name,
                    await authorizations.GetCreationDateAsync(authorization, cancellationToken), await authorizations.GetScopesAsync(authorization, cancellationToken)));
            }
        }

        return [.. consents.OrderByDescending(consent => consent.GrantedAt)];
    }

    /// <summary>
    /// Withdraws one of the account's consents: it and every other authorization and token of the person at that client are
    /// revoked (refresh tokens then fail with <c>invalid_grant</c>; the next login asks again). False when the id is not a
    /// valid consent of this account.
    /// </summary>
    public async Task<bool> RevokeAsync(string accountId, string authorizationId, CancellationToken cancellationToken)
    {
        if (await authorizations.FindByIdAsync(authorizationId, cancellationToken) is not { } authorization ||
            await authorizations.GetTypeAsync(authorization, cancellationToken) != AuthorizationTypes.Permanent ||
            await authorizations.GetStatusAsync(authorization, cancellationToken) != Statuses.Valid ||
            await authorizations.GetSubjectAsync(authorization, cancellationToken) is not { } subject ||
            !accounts.SubjectsOf(accountId).Contains(subject, StringComparer.Ordinal) ||
            await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId)
        {
            return false;
        }

        var application = await applications.FindByIdAsync(applicationId, cancellationToken);
        var clientId = application is null ? applicationId : await applications.GetClientIdAsync(application, cancellationToken) ?? applicationId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revokedAuthorizations = await authorizations.RevokeAsync(subject, applicationId, null, null, cancellationToken);
        var revokedTokens = await tokens.RevokeAsync(subject, applicationId, null, null, cancellationToken);
        await audit.RecordAsync(new AuditEvent(AuditActors.Person(accountId), AuditActions.ConsentRevoked, accountId,
            new Dictionary<string, string>
            {
                ["client_id"] = clientId,
                ["authorizations"] = revokedAuthorizations.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["tokens"] = revokedTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
