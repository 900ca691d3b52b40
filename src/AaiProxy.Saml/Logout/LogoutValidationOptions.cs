using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Logout;

/// <summary>Time tolerances and per-IdP policy for incoming logout messages.</summary>
/// <param name="ClockSkew">Allowed difference between the IdP's clock and ours.</param>
/// <param name="MaxMessageAge">How old an <c>IssueInstant</c> may be: a redirect message is delivered
/// at once, so an old one is a replay.</param>
public sealed record LogoutValidationOptions(TimeSpan ClockSkew, TimeSpan MaxMessageAge)
{
    public static LogoutValidationOptions Default { get; } = new(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(5));

    /// <summary>Per-IdP policy by entity ID (<see cref="IdentityProviderPolicy.AllowSha1"/> applies to the
    /// query signature); the defaults refuse SHA-1.</summary>
    public Func<string, IdentityProviderPolicy> PolicyFor { get; init; } = _ => new IdentityProviderPolicy();

    /// <summary>The login options' clock skew and per-IdP policies, so one IdP has one policy for
    /// login and logout alike.</summary>
    public static LogoutValidationOptions SameAs(SamlValidationOptions validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return new LogoutValidationOptions(validation.ClockSkew, Default.MaxMessageAge) { PolicyFor = validation.PolicyFor };
    }
}
