using System.Globalization;
using AaiProxy.Groups;
using AaiProxy.Server.Mail;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Groups.Invitations;

/// <summary>The texts of invitation and reminder mails, plain text and HTML; every value in HTML is encoded.</summary>
internal static class InvitationMail
{
    public static OutgoingMail Invitation(Invitation invitation, Group group, string? proposalTitle, string link)
    {
        var what = invitation.Proposal is { } proposal
            ? $"the team of proposal {proposal.ProposalId} ({proposalTitle}) at facility {proposal.FacilityCode}"
            : $"the group {group.Path}";
        var roles = invitation.Roles.Roles.Count == 0 ? "member" : string.Join(", ", invitation.Roles.Roles);
        var expires = Date(invitation.ExpiresAt);
        var text =
            $"""
             You are invited to join {what} as {roles}.

             To accept, open this link and sign in with any of your accounts (your university, ORCID, ...):
             {link}

             The link can be used once and is valid until {expires}. If you did not expect this invitation, ignore this mail.
             """;
        var html =
            $"""
             <p>You are invited to join {HtmlPage.Encode(what)} as {HtmlPage.Encode(roles)}.</p>
             <p><a href="{HtmlPage.Encode(link)}">Accept the invitation</a> and sign in with any of your accounts (your university, ORCID, …).</p>
             <p>The link can be used once and is valid until {HtmlPage.Encode(expires)}. If you did not expect this invitation, ignore this mail.</p>
             """;
        return new OutgoingMail(invitation.Email, $"Invitation: {Subject(invitation, group)}", text, html);
    }

    /// <summary>To the member whose membership ends.</summary>
    public static OutgoingMail ReminderToMember(string to, ExpiryReminderDue due)
    {
        var end = Date(due.Membership.End!.Value);
        var text =
            $"""
             Your membership in {due.Group.Path} ends on {end}.

             If you still need it, ask one of the group's managers to renew it.
             """;
        var html =
            $"""
             <p>Your membership in <code>{HtmlPage.Encode(due.Group.Path.ToString())}</code> ends on {HtmlPage.Encode(end)}.</p>
             <p>If you still need it, ask one of the group's managers to renew it.</p>
             """;
        return new OutgoingMail(to, $"Your membership in {due.Group.Path} ends on {end}", text, html);
    }

    /// <summary>To a manager of the group, with the link to the group page where they renew (extend) it.</summary>
    public static OutgoingMail ReminderToManager(string to, ExpiryReminderDue due, string memberName, string link)
    {
        var end = Date(due.Membership.End!.Value);
        var text =
            $"""
             The membership of {memberName} in {due.Group.Path}, which you manage, ends on {end}.

             To renew it, extend it on the group's page:
             {link}
             """;
        var html =
            $"""
             <p>The membership of {HtmlPage.Encode(memberName)} in <code>{HtmlPage.Encode(due.Group.Path.ToString())}</code>, which you manage, ends on {HtmlPage.Encode(end)}.</p>
             <p><a href="{HtmlPage.Encode(link)}">Renew it on the group's page</a>.</p>
             """;
        return new OutgoingMail(to, $"Membership of {memberName} in {due.Group.Path} ends on {end}", text, html);
    }

    private static string Subject(Invitation invitation, Group group) =>
        invitation.Proposal is { } proposal ? $"proposal {proposal.ProposalId} at {proposal.FacilityCode}" : group.Path.ToString();

    private static string Date(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
