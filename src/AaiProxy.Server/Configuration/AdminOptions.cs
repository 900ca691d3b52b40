namespace AaiProxy.Server.Configuration;

/// <summary>The group admin pages: configuration section <c>AaiProxy:Admin</c>.</summary>
public sealed class AdminOptions
{
    /// <summary>The admin pages need a session whose upstream login was REFEDS MFA (default); false: any session.</summary>
    public bool RequireMfa { get; set; } = true;
}
