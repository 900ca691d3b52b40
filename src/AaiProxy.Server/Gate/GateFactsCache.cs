using System.Collections.Concurrent;
using AaiProxy.Groups;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Gate;

/// <summary>
/// What the store said about (person, proposal), reused for <see cref="GateOptions.DecisionCacheDuration"/> so that a
/// burst of downloads costs one lookup. The embargo end is cached, not "open", so an embargo that ends meanwhile opens
/// at once; a membership or embargo change in the store shows within the bound.
/// </summary>
internal sealed class GateFactsCache(TimeProvider time, IOptions<GateOptions> options)
{
    /// <summary>Above this many entries, expired ones are dropped (and all, if none had expired).</summary>
    internal const int Capacity = 10_000;

    private readonly ConcurrentDictionary<(string Account, ProposalKey Proposal), (ProposalAccessFacts Facts, DateTimeOffset Expires)> _entries = new();

    public async ValueTask<ProposalAccessFacts> GetOrLoadAsync(string? accountId, ProposalKey proposal,
        Func<CancellationToken, Task<ProposalAccessFacts>> load, CancellationToken cancellationToken)
    {
        var bound = options.Value.DecisionCacheDuration;
        var key = (accountId ?? "", proposal);
        var now = time.GetUtcNow();
        if (bound > TimeSpan.Zero && _entries.TryGetValue(key, out var cached) && now < cached.Expires)
            return cached.Facts;

        var facts = await load(cancellationToken);
        if (bound > TimeSpan.Zero)
        {
            if (_entries.Count >= Capacity)
                Trim(now);
            _entries[key] = (facts, now + bound);
        }

        return facts;
    }

    private void Trim(DateTimeOffset now)
    {
        foreach (var entry in _entries.Where(entry => now >= entry.Value.Expires))
            _entries.TryRemove(entry.Key, out _);
        if (_entries.Count >= Capacity)
            _entries.Clear();
    }
}

/// <summary>Reads the facts of one (person, proposal) from the group store.</summary>
internal sealed class GateFactsLoader(IGroupReader groups, AaiProxy.Groups.Management.IGroupDirectory directory, FacilityCatalog facilities, TimeProvider time)
{
    public async Task<ProposalAccessFacts> LoadAsync(string? accountId, ProposalKey key, CancellationToken cancellationToken)
    {
        if (facilities.Find(key.FacilityCode) is not { } facility || await directory.FindProposalAsync(key, cancellationToken) is not { } stored)
            return ProposalAccessFacts.Unknown;

        var member = false;
        if (accountId is not null)
        {
            var person = await groups.LoadPersonAsync(accountId, cancellationToken);
            var teamGroup = facility.TeamGroupPath(key.ProposalId);
            member = PersonAccess.At(person, facilities, time.GetUtcNow()).Any(grant => grant.Group.Path.Equals(teamGroup));
        }

        return new ProposalAccessFacts(member, ProposalEmbargo.End(stored.Proposal, facility));
    }
}
