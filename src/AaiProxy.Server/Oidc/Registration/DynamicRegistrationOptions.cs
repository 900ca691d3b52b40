using AaiProxy.Identity;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc.Registration;

/// <summary>OAuth 2.0 Dynamic Client Registration (RFC 7591) at <c>/connect/register</c>: section <c>AaiProxy:DynamicRegistration</c>.</summary>
public sealed class DynamicRegistrationOptions
{
    public const string SectionName = "AaiProxy:DynamicRegistration";

    /// <summary>Off by default. On: command-line tools (oidc-agent) may register public native clients themselves.</summary>
    public bool Enabled { get; set; }

    /// <summary>The scopes a registered client may ask for; a request for others gets those it may (RFC 7591 §2: the server
    /// may replace requested values). Scopes of the claim table only. Default: <c>openid profile email offline_access</c>.</summary>
    public List<string> AllowedScopes { get; set; } = [ClaimTable.OpenIdScope, "profile", "email", ClaimTable.OfflineAccessScope];
}

/// <summary>Start-up validation of <see cref="DynamicRegistrationOptions"/>: each message names the key to set.</summary>
internal sealed class DynamicRegistrationOptionsValidator : IValidateOptions<DynamicRegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, DynamicRegistrationOptions options)
    {
        if (!options.Enabled)
            return ValidateOptionsResult.Success;
        var unknown = options.AllowedScopes.Where(scope => !ClaimTable.Scopes.Contains(scope, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            return ValidateOptionsResult.Fail($"{DynamicRegistrationOptions.SectionName}:AllowedScopes names {string.Join(", ", unknown)}, " +
                                              $"which no claim of the claim table is released by: use some of {string.Join(' ', ClaimTable.Scopes)}.");
        return options.AllowedScopes.Count == 0
            ? ValidateOptionsResult.Fail($"{DynamicRegistrationOptions.SectionName}:AllowedScopes is empty: list at least openid.")
            : ValidateOptionsResult.Success;
    }
}
