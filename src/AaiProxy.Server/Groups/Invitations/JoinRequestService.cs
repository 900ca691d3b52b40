using System.Buffers.Text;
using System.Security.Cryptography;
using AaiProxy.Groups;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Groups.Invitations;

/// <summary>
/// Join requests: a signed-in person asks to join a group they can see (<see cref="JoinRequestRules"/>);
/// one of its managers (<see cref="GroupAdministration"/> decides who) approves or denies.
/// </summary>
internal sealed class JoinRequestService(GroupAdministration administration, IGroupReader groups, IJoinRequestStore store, TimeProvider time)
{
    public const int MaxMessageLength = 1000;

    public async Task<Outcome<JoinRequest>> RequestAsync(string accountId, string groupId, string message, CancellationToken cancellationToken)
    {
        var group = await groups.FindGroupAsync(groupId, cancellationToken);
        var now = time.GetUtcNow();
        var refusal = group is null
            ? JoinRequestRefusal.NotVisible
            : JoinRequestRules.MayRequest(group, await groups.LoadPersonAsync(accountId, cancellationToken), now);
        switch (refusal)
        {
            case JoinRequestRefusal.NotVisible:
                return new Failure.NotFound($"No group has the id '{groupId}'.");
            case JoinRequestRefusal.ProposalTeam:
                return new Failure.Conflict($"{group!.Path} is a proposal's team: its PI invites people to it.", PreconditionFailed: false);
            case JoinRequestRefusal.AlreadyMember:
                return new Failure.Conflict($"You are a member of {group!.Path} already.", PreconditionFailed: false);
        }

        var text = message.Trim();
        if (text.Length > MaxMessageLength)
            return new Failure.Invalid([new("message", ManagementProblemCodes.TooLong, $"A message has at most {MaxMessageLength} characters.")]);
        var request = new JoinRequest(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), group!.Id, accountId, text, now,
            JoinRequestState.Pending, DecidedBy: null);
        return await store.CreateAsync(request, ManagementActor.Person(accountId).AuditName, cancellationToken)
            ? request
            : new Failure.Conflict($"You have asked to join {group.Path} already; its managers decide.", PreconditionFailed: false);
    }

    public async Task<Outcome<IReadOnlyList<JoinRequest>>> ListPendingAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken)
    {
        var (group, failure) = await administration.AuthorizeManagementAsync(actor, groupId, cancellationToken);
        return failure is not null ? failure : new Outcome<IReadOnlyList<JoinRequest>>.Ok(await store.ListPendingAsync(group!.Id, cancellationToken));
    }

    /// <summary>Approves (an active membership from now) or denies a pending request of the group.</summary>
    public async Task<Outcome<JoinRequest>> DecideAsync(
        ManagementActor actor, string groupId, string requestId, bool approve, CancellationToken cancellationToken)
    {
        var (group, failure) = await administration.AuthorizeManagementAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        if (await store.FindAsync(requestId, cancellationToken) is not { } request || request.GroupId != group!.Id)
            return new Failure.NotFound($"No join request '{requestId}' for {group!.Path}.");
        var decided = request with { State = approve ? JoinRequestState.Approved : JoinRequestState.Denied, DecidedBy = actor.AuditName };
        return request.State == JoinRequestState.Pending && await store.DecideAsync(decided, actor.AuditName, cancellationToken)
            ? decided
            : new Failure.Conflict("This request has been decided already.", PreconditionFailed: false);
    }
}
