using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Groups;
using AaiProxy.Server.Upstream;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Demo;

/// <summary>
/// Seeds the demo proposals (<c>AaiProxy:Demo:Proposals</c>) through the ordinary import planner,
/// so that a second run changes nothing. Demo people have no account before their first login, so a
/// proposal's team holds the demo users who have signed in: at start the stored team is kept, and
/// each sign-in of a demo user through the demo IdP (<see cref="DemoTeamResolver"/>) puts that
/// person's account on the teams the configuration names them for. A sign-in plans only those proposals
/// (the start seeded them all), and nothing at all once the person holds the configured roles on each:
/// one read of the stored teams, not two reads and a plan at every login. Development only.
/// </summary>
internal sealed class DemoProposalSeeder(IProposalStore store, GroupReleasePolicies policies, IOptions<ProxyOptions> options)
{
    public const string Actor = "system:demo";

    /// <param name="signedIn">The account that just signed in through the demo IdP and the demo user it is; null at start.</param>
    public async Task SeedAsync((string AccountId, string Username)? signedIn, CancellationToken cancellationToken)
    {
        var configured = signedIn is var (_, username)
            ? [.. options.Value.Demo.Proposals.Where(proposal => Named(proposal, username) is not null)]
            : options.Value.Demo.Proposals;
        if (configured.Count == 0)
            return;

        // First the stored teams, then the state for the document that keeps them (its people are those accounts).
        var stored = await store.LoadImportStateAsync(Document(configured, signedIn, stored: null).Proposals, cancellationToken);
        if (signedIn is { } person && OnEveryTeam(configured, person, stored))
            return;

        var document = Document(configured, signedIn, stored);
        var plan = ProposalImportPlanner.Plan(document, await store.LoadImportStateAsync(document.Proposals, cancellationToken),
            policies.Facilities, RoleCatalog.Default);
        if (!plan.IsValid)
            throw new InvalidOperationException("AaiProxy:Demo:Proposals is not a valid import: "
                + string.Join("; ", plan.Problems.Select(problem => $"{problem.Field}: {problem.Message}")));
        if (!plan.IsEmpty)
            await store.ApplyAsync(plan, Actor, cancellationToken);
    }

    // The signed-in person already holds the configured roles on every team that names them: the plan would be empty.
    private static bool OnEveryTeam(IReadOnlyList<DemoProposal> proposals, (string AccountId, string Username) person, ImportState stored) =>
        proposals.All(proposal => stored.Proposals.GetValueOrDefault(new ProposalKey(proposal.Facility, proposal.Id)) is { } current &&
            current.Team.Any(member => member.AccountId == person.AccountId &&
                member.Roles.Equals(RoleSet.Of(Named(proposal, person.Username)!.Roles))));

    // The configured team member a demo user is on a proposal, if any.
    private static DemoTeamMember? Named(DemoProposal proposal, string username) =>
        proposal.Team.FirstOrDefault(member => member.User == username);

    // Each proposal's team: the stored members, and the account that signed in with its configured roles
    // (a signed-in person the configuration does not name keeps the place they have, e.g. by an invitation).
    private static ImportDocument Document(IReadOnlyList<DemoProposal> proposals, (string AccountId, string Username)? signedIn, ImportState? stored) =>
        new([.. proposals.Select((proposal, index) =>
        {
            var location = new ImportLocation(null, $"/AaiProxy/Demo/Proposals/{index}");
            var named = signedIn is var (_, username) ? Named(proposal, username) : null;
            var team = stored?.Proposals.GetValueOrDefault(new ProposalKey(proposal.Facility, proposal.Id))?.Team
                .Where(member => named is null || member.AccountId != signedIn?.AccountId)
                .Select(member => (member.AccountId, Roles: (IReadOnlyList<string>)member.Roles.Roles)).ToList() ?? [];
            if (named is not null)
                team.Add((signedIn!.Value.AccountId, named.Roles));
            return new ImportedProposal(proposal.Facility, proposal.Id, proposal.Title, EmbargoEnd: null,
                [.. proposal.Sessions.Select((session, i) => new ImportedSession(session.Instrument, session.Start, session.End, location.Item("sessions", i)))],
                [.. team.Select((member, i) => new ImportedPerson(null, member.AccountId, null, member.Roles, location.Item("team", i)))],
                location);
        })], []);
}

/// <summary>
/// The demo's only hook into sign-in: after the account of a demo-IdP login is found or registered, the demo
/// user it is (recognised by the persistent NameID the demo IdP gives them) joins the demo teams the
/// configuration names them for. Registered only while the demo is on.
/// </summary>
internal sealed class DemoTeamResolver(ICommunityAccountResolver inner, DemoIdentityProvider idp, DemoProposalSeeder seeder, IOptions<ProxyOptions> options)
    : ICommunityAccountResolver
{
    public async Task<ResolvedIdentity?> FindAsync(UpstreamIdentity upstream, CancellationToken cancellationToken) =>
        await inner.FindAsync(upstream, cancellationToken) is { } found ? await JoinTeamsAsync(upstream, found, cancellationToken) : null;

    public async Task<ResolvedIdentity> RegisterAsync(UpstreamIdentity upstream, AccountRegistration registration, CancellationToken cancellationToken) =>
        await JoinTeamsAsync(upstream, await inner.RegisterAsync(upstream, registration, cancellationToken), cancellationToken);

    public Task<ResolvedIdentity?> ReloadAsync(string accountId, string linkId, CancellationToken cancellationToken) =>
        inner.ReloadAsync(accountId, linkId, cancellationToken);

    private async Task<ResolvedIdentity> JoinTeamsAsync(UpstreamIdentity upstream, ResolvedIdentity resolved, CancellationToken cancellationToken)
    {
        if (DemoUsers.Find(idp, options.Value, upstream) is { } demoUser)
            await seeder.SeedAsync((resolved.Account.Id, demoUser.Username), cancellationToken);
        return resolved;
    }
}

/// <summary>Which demo user an upstream identity is: a demo-IdP login, recognised by its persistent NameID.</summary>
internal static class DemoUsers
{
    public static DemoUser? Find(DemoIdentityProvider idp, ProxyOptions options, UpstreamIdentity upstream)
    {
        var nameId = upstream.FirstValue(InternalAttributes.PersistentNameId);
        return upstream.Issuer == idp.EntityId
            ? options.Demo.Users.FirstOrDefault(user => idp.PersistentNameId(user.Username) == nameId)
            : null;
    }
}

/// <summary>The demo people the demo's user office "registered" already (all but those with <c>PreRegistered: false</c>).</summary>
internal sealed class DemoPreRegistered(DemoIdentityProvider idp, IOptions<ProxyOptions> options) : IPreRegisteredIdentities
{
    public bool IsPreRegistered(UpstreamIdentity upstream) => DemoUsers.Find(idp, options.Value, upstream) is { PreRegistered: true };
}

public static class DemoProposalServiceCollectionExtensions
{
    /// <summary>The demo proposal seeder and its sign-in hook around the registered account resolver (call after <c>AddProxyStorage</c>).</summary>
    public static IServiceCollection AddDemoProposals(this IServiceCollection services)
    {
        services.AddScoped<DemoProposalSeeder>();
        services.AddSingleton<IPreRegisteredIdentities, DemoPreRegistered>();
        var resolver = services.Last(descriptor => descriptor.ServiceType == typeof(ICommunityAccountResolver));
        services.Remove(resolver);
        services.AddScoped<ICommunityAccountResolver>(provider => ActivatorUtilities.CreateInstance<DemoTeamResolver>(provider,
            (ICommunityAccountResolver)(resolver.ImplementationFactory?.Invoke(provider)
                                        ?? ActivatorUtilities.CreateInstance(provider, resolver.ImplementationType!))));
        return services;
    }
}
