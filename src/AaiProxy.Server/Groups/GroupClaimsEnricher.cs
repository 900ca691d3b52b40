using System.Text.Json.Nodes;
using AaiProxy.Groups;
using AaiProxy.Identity;

namespace AaiProxy.Server.Groups;

/// <summary>
/// The proxy's own group claims for one client: the person's effective memberships now (loaded at
/// every token issue, refresh and userinfo request, so an ended membership disappears at the next
/// one), shaped by the client's policy within its byte budget (<see cref="GroupClaimsShaper"/>):
/// <c>eduperson_entitlement</c> values, <c>proposals</c> objects and the client's plain groups claim.
/// </summary>
internal sealed class GroupClaimsEnricher(IGroupReader groups, GroupReleasePolicies policies, TimeProvider time, ILogger<GroupClaimsEnricher> logger)
    : IClaimsEnricher
{
    public int Order => ClaimsEnricherOrder.Groups;

    public async ValueTask EnrichAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CommunityClaimSet claims, CancellationToken cancellationToken)
    {
        var requested = (recipient.Scopes.Contains(CommunityClaims.EduPersonEntitlement) ? GroupClaimKinds.EduPersonEntitlement : GroupClaimKinds.None)
                        | (recipient.Scopes.Contains(ClaimTable.ProposalsScope) ? GroupClaimKinds.Proposals : GroupClaimKinds.None);
        // No policy, or no scope that releases a group claim: nothing to load.
        if (policies.For(recipient.ClientId) is not { } policy || requested == GroupClaimKinds.None)
            return;

        var person = await groups.LoadPersonAsync(identity.Account.Id, cancellationToken);
        var grants = PersonAccess.At(person, policies.Facilities, time.GetUtcNow());
        var shaped = GroupClaimsShaper.Shape(grants, policy, requested, policies.Entitlements, policies.Facilities);
        if (shaped.Truncation is { } truncation)
            Log.GroupClaimsTruncated(logger, recipient.ClientId, identity.Account.Id, truncation.KeptGrants, truncation.OmittedGrants, policy.ByteBudget);

        claims.Add(CommunityClaims.EduPersonEntitlement, shaped.EduPersonEntitlement);
        // Each proposal as the JSON text of its object: the shaper decides the object's members.
        if (shaped.ToJson()[GroupClaimNames.Proposals] is JsonArray proposals)
            claims.Add(CommunityClaims.Proposals, proposals.Select(proposal => proposal!.ToJsonString()));
        if (shaped.PlainGroups is { } plain)
            claims.Add(plain.Name, shaped.PlainGroupValues);
    }
}
