using AaiProxy.Server.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// Carries an upstream login's failure back to the authorization request that started it, so that the
/// authorization endpoint answers the client with the OAuth error (it alone knows the validated redirect
/// URI). The error travels data-protected and short-lived in one query parameter: nobody can make the
/// endpoint say something the proxy did not decide.
/// </summary>
public sealed class UpstreamErrorRelay(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string Parameter = "aaiproxy_upstream_error";

    public sealed record RelayedError(string Error, string Description);

    private readonly ShortLivedProtector<RelayedError> _protector =
        new(dataProtection, time, nameof(UpstreamErrorRelay), TimeSpan.FromMinutes(5));

    /// <summary>The return URL with the error appended.</summary>
    public string Append(string returnUrl, string error, string description) =>
        QueryHelpers.AddQueryString(returnUrl, Parameter, _protector.Protect(new RelayedError(error, description)));

    /// <summary>The relayed error in a request's parameter, or null when there is none or it is not ours (or stale).</summary>
    public RelayedError? Read(string? parameter) => _protector.Unprotect(parameter);
}
