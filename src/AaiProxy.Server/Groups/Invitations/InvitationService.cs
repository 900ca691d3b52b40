using System.Buffers.Text;
using System.Net.Mail;
using System.Security.Cryptography;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Mail;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Groups.Invitations;

/// <summary>What the acceptance page shows for a link: the invitation, its group and, for a team, its proposal.</summary>
internal sealed record InvitationView(Invitation Invitation, Group Group, Proposal? Proposal);

/// <summary>
/// Invitations by e-mail: a manager (or a proposal's PI; <see cref="GroupAdministration"/> decides who)
/// invites an address with roles, the link goes out by mail, and whoever opens it signed in with any
/// identity linked to their account accepts once (<see cref="InvitationRules.Accept"/>) before it expires.
/// </summary>
internal sealed class InvitationService(
    GroupAdministration administration, IGroupReader groups, IGroupDirectory directory, IInvitationStore store, IMailSender mail,
    GroupLinks links, IOptions<ProxyOptions> options, TimeProvider time, ILogger<InvitationService> logger)
{
    public const string InvalidEmail = "invalid_email";

    public async Task<Outcome<Invitation>> InviteAsync(
        ManagementActor actor, string groupId, string email, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var (group, failure) = await administration.AuthorizeManagementAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        var problems = new List<ManagementProblem>();
        var address = Address(email);
        if (address is null)
            problems.Add(new("email", InvalidEmail, "Give one e-mail address, such as 'name@example.org'."));
        var roleSet = administration.CheckRoles(roles, "roles", problems);
        if (problems.Count > 0)
            return new Failure.Invalid(problems);

        Proposal? proposal = null;
        if (group!.Kind == GroupKind.Proposal)
        {
            proposal = (await directory.FindProposalByTeamGroupAsync(group.Id, cancellationToken))?.Proposal;
            if (proposal is null)
                return new Failure.Conflict($"{group.Path} is a proposal group without its proposal.", PreconditionFailed: false);
        }

        var (token, hash) = InvitationTokens.Create();
        var invitation = new Invitation(NewId(), group.Id, proposal?.Key, address!, roleSet, actor.AuditName,
            time.GetUtcNow() + options.Value.Groups.InvitationLifetime, InvitationState.Pending, AcceptedBy: null);
        await store.CreateAsync(invitation, hash, actor.AuditName, cancellationToken);
        await mail.SendAsync(InvitationMail.Invitation(invitation, group, proposal?.Title, links.Absolute(GroupLinks.InvitationPath(token))),
            cancellationToken);
        InvitationLog.InvitationSent(logger, invitation.Id, group.Id, actor.AuditName);
        return invitation;
    }

    /// <summary>
    /// Mails the invitations an import asked for (people it named by an address nobody has), oldest first, at
    /// most <paramref name="limit"/>: each gets its link (only the token's hash is stored) and expiry, then its
    /// mail. A request another node issued meanwhile is skipped. Returns how many were sent.
    /// </summary>
    public async Task<int> SendRequestedAsync(int limit, CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var request in await store.UnsentAsync(limit, cancellationToken))
        {
            var group = await groups.FindGroupAsync(request.GroupId, cancellationToken);
            if (group is null)
            {
                continue;
            }

            var (token, hash) = InvitationTokens.Create();
            var expires = time.GetUtcNow() + options.Value.Groups.InvitationLifetime;
            if (!await store.IssueAsync(request.Id, hash, expires, cancellationToken))
            {
                continue;
            }

            var title = (await directory.FindProposalAsync(request.Request.Proposal, cancellationToken))?.Proposal.Title;
            var invitation = new Invitation(request.Id, group.Id, request.Request.Proposal, request.Request.Email, request.Request.Roles,
                request.InvitedBy, expires, InvitationState.Pending, AcceptedBy: null);
            await mail.SendAsync(InvitationMail.Invitation(invitation, group, title, links.Absolute(GroupLinks.InvitationPath(token))), cancellationToken);
            InvitationLog.InvitationSent(logger, invitation.Id, group.Id, request.InvitedBy);
            sent++;
        }

        return sent;
    }

    /// <summary>The group's pending invitations, for its managers.</summary>
    public async Task<Outcome<IReadOnlyList<Invitation>>> ListPendingAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken)
    {
        var (group, failure) = await administration.AuthorizeManagementAsync(actor, groupId, cancellationToken);
        return failure is not null ? failure : new Outcome<IReadOnlyList<Invitation>>.Ok(await store.ListPendingAsync(group!.Id, cancellationToken));
    }

    public async Task<Outcome<string>> RevokeAsync(ManagementActor actor, string groupId, string invitationId, CancellationToken cancellationToken)
    {
        var (group, failure) = await administration.AuthorizeManagementAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        return await store.RevokeAsync(group!.Id, invitationId, actor.AuditName, cancellationToken)
            ? invitationId
            : new Failure.NotFound($"{group.Path} has no pending invitation '{invitationId}'.");
    }

    /// <summary>The invitation behind a link; null when the link is unknown.</summary>
    public async Task<InvitationView?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (await store.FindByTokenHashAsync(InvitationTokens.Hash(token), cancellationToken) is not { } invitation
            || await groups.FindGroupAsync(invitation.GroupId, cancellationToken) is not { } group)
            return null;
        var proposal = invitation.Proposal is { } key ? (await directory.FindProposalAsync(key, cancellationToken))?.Proposal : null;
        return new InvitationView(invitation, group, proposal);
    }

    /// <summary>
    /// Accepts the invitation behind <paramref name="token"/> for the signed-in account: once, before
    /// it expires; a second acceptance racing this one finds it used. Null when the link is unknown.
    /// </summary>
    public async Task<InvitationOutcome?> AcceptAsync(string token, string accountId, CancellationToken cancellationToken)
    {
        if (await FindAsync(token, cancellationToken) is not { } view)
            return null;
        var invitation = view.Invitation;
        var existing = invitation.Proposal is null
            ? await directory.FindMembershipAsync(invitation.GroupId, accountId, cancellationToken)
            : null;
        var acceptance = InvitationRules.Accept(invitation, accountId, time.GetUtcNow(), view.Proposal, existing);
        var outcome = acceptance.Outcome;
        if (outcome == InvitationOutcome.Accepted
            && !await store.SaveAcceptanceAsync(acceptance, ManagementActor.Person(accountId).AuditName, cancellationToken))
            outcome = InvitationOutcome.AlreadyUsed;

        if (outcome == InvitationOutcome.Accepted)
            InvitationLog.InvitationAccepted(logger, invitation.Id, accountId);
        else
            InvitationLog.InvitationRefused(logger, invitation.Id, accountId, outcome.ToString());
        return outcome;
    }

    /// <summary>One bare address (no display name), lower-cased; null otherwise.</summary>
    private static string? Address(string email)
    {
        var trimmed = email.Trim();
        return trimmed.Length <= 320 && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed && parsed.DisplayName.Length == 0
            ? trimmed.ToLowerInvariant()
            : null;
    }

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
