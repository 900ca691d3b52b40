namespace AaiProxy.Saml.Logout;

/// <summary>Time tolerances for incoming logout messages.</summary>
/// <param name="ClockSkew">Allowed difference between the IdP's clock and ours.</param>
/// <param name="MaxMessageAge">How old an <c>IssueInstant</c> may be: a redirect message is delivered
/// at once, so an old one is a replay.</param>
public sealed record LogoutValidationOptions(TimeSpan ClockSkew, TimeSpan MaxMessageAge)
{
    public static LogoutValidationOptions Default { get; } = new(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(5));
}
