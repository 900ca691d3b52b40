using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AaiProxy.Groups;

public enum InvitationState { Pending, Accepted, Revoked }

/// <summary>
/// An e-mailed invitation into a group; for a proposal's team group <paramref name="Proposal"/> is
/// set and acceptance adds the invitee to the proposal's team (the team group follows through
/// <see cref="ProposalTeamPlanner"/>). The store keeps only the hash of the link's token
/// (<see cref="InvitationTokens"/>).
/// </summary>
/// <param name="Email">Lower-cased; the address the link was sent to (any identity linked to the accepting account may accept).</param>
public sealed record Invitation(
    string Id, string GroupId, ProposalKey? Proposal, string Email, RoleSet Roles, string InvitedBy,
    DateTimeOffset ExpiresAt, InvitationState State, string? AcceptedBy);

public enum InvitationOutcome { Accepted, Expired, AlreadyUsed, Revoked, ProposalMissing }

/// <summary>
/// What accepting did: the invitation now accepted, and either the proposal with the invitee on its
/// team or the membership to store (for a group without a proposal).
/// </summary>
public sealed record InvitationAcceptance(InvitationOutcome Outcome, Invitation Invitation, Proposal? Proposal, Membership? Membership);

public static class InvitationRules
{
    /// <summary>
    /// Single use and expiring: a revoked, used or expired (<c>now &gt;= ExpiresAt</c>) invitation
    /// changes nothing. A proposal invitation adds the account to the team with the invited roles
    /// (merged with any it holds); a group invitation yields an active membership from now, merged
    /// with <paramref name="existing"/> when the account is or was a member.
    /// </summary>
    public static InvitationAcceptance Accept(
        Invitation invitation, string accountId, DateTimeOffset now, Proposal? proposal, Membership? existing)
    {
        var refused = invitation.State switch
        {
            InvitationState.Revoked => InvitationOutcome.Revoked,
            InvitationState.Accepted => InvitationOutcome.AlreadyUsed,
            _ when now >= invitation.ExpiresAt => InvitationOutcome.Expired,
            _ when invitation.Proposal is not null && proposal?.Key != invitation.Proposal => InvitationOutcome.ProposalMissing,
            _ => (InvitationOutcome?)null,
        };
        if (refused is { } outcome)
            return new InvitationAcceptance(outcome, invitation, null, null);

        var accepted = invitation with { State = InvitationState.Accepted, AcceptedBy = accountId };
        if (proposal is not null)
            return new InvitationAcceptance(InvitationOutcome.Accepted, accepted,
                Proposal.Create(proposal.FacilityCode, proposal.Id, proposal.Title,
                    proposal.Team.Append(new TeamMember(accountId, invitation.Roles)), proposal.Sessions, proposal.Embargo),
                null);
        var membership = existing is not null && MembershipLifecycle.IsEffective(existing, now)
            ? existing with { Roles = existing.Roles.Union(invitation.Roles) }
            : new Membership(invitation.GroupId, accountId, invitation.Roles, now, null, MembershipStatus.Active);
        return new InvitationAcceptance(InvitationOutcome.Accepted, accepted, null, membership);
    }
}

/// <summary>The secret in an invitation link. Only its hash is stored, so a database leak opens no invitation.</summary>
public static class InvitationTokens
{
    /// <summary>256 random bits, base64url; and the hash to store.</summary>
    public static (string Token, string Hash) Create()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    /// <summary>SHA-256 of the token, base64url: what the store looks an invitation up by.</summary>
    public static string Hash(string token) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
