using AaiProxy.Server.Configuration;

namespace AaiProxy.Server.Tests.Invitations;

/// <summary>Invitation and reminder settings are checked at start, with messages that name the key.</summary>
public sealed class InvitationOptionsTests
{
    [Fact]
    public void Refuses_an_invitation_lifetime_reminder_days_and_interval_out_of_range_naming_each_key()
    {
        var options = new ProxyOptions
        {
            Groups = new GroupsOptions { InvitationLifetime = TimeSpan.FromMinutes(5), ExpiryReminderDays = -1, ExpiryReminderInterval = TimeSpan.FromSeconds(10) },
        };

        var failures = GroupOptionsValidation.Validate(options).ToList();

        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Groups:InvitationLifetime must be between", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Groups:ExpiryReminderDays must be between", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AaiProxy:Groups:ExpiryReminderInterval must be at least", StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_the_defaults_and_reminders_turned_off()
    {
        Assert.Empty(GroupOptionsValidation.Validate(new ProxyOptions()));
        Assert.Empty(GroupOptionsValidation.Validate(new ProxyOptions { Groups = new GroupsOptions { ExpiryReminderDays = 0 } }));
    }
}
