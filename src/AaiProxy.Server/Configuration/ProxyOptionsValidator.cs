using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Accounts;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Configuration;

/// <summary>Start-up validation of <see cref="ProxyOptions"/>: each message says what to set.</summary>
internal sealed class ProxyOptionsValidator(IHostEnvironment environment, IOptions<DatabaseOptions> database, IOptions<AccountsOptions> accounts)
    : IValidateOptions<ProxyOptions>
{
    internal static readonly string[] SupportedGrants =
    [
        OpenIddictConstants.GrantTypes.AuthorizationCode,
        OpenIddictConstants.GrantTypes.RefreshToken,
        OpenIddictConstants.GrantTypes.ClientCredentials,
        OpenIddictConstants.GrantTypes.DeviceCode,
    ];

    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();

        if (options.Demo.Enabled && environment.IsProduction())
        {
            failures.Add("AaiProxy:Demo:Enabled is true in the Production environment: the demo login and demo clients must never run in production. Set AaiProxy:Demo:Enabled=false.");
        }

        if (options.Issuer is null && environment.IsProduction())
        {
            failures.Add("AaiProxy:Issuer is required in the Production environment: without it the issuer (iss) would follow each request's Host header. Set it to the public URL, for example https://aai.example.org/.");
        }

        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            failures.Add("AaiProxy:SessionLifetime must be positive, for example 08:00:00.");
        }

        failures.AddRange(options.Authentication.SupportedContextClasses
            .Where(value => !Uri.TryCreate(value, UriKind.Absolute, out _))
            .Select(value => $"AaiProxy:Authentication:SupportedContextClasses has '{value}', which is not an absolute URI such as https://refeds.org/profile/mfa."));

        failures.AddRange(options.RateLimiting.Validate());

        if (options.Tokens.SigningAlgorithm is not (SigningAlgorithms.RS256 or SigningAlgorithms.ES256))
        {
            failures.Add($"AaiProxy:Tokens:SigningAlgorithm '{options.Tokens.SigningAlgorithm}' is not supported: set RS256 or ES256.");
        }

        if (options.Issuer is { IsAbsoluteUri: false })
        {
            failures.Add("AaiProxy:Issuer must be an absolute URL, for example https://aai.example.org/.");
        }

        failures.AddRange(options.ReverseProxy.KnownProxies.Where(proxy => !System.Net.IPAddress.TryParse(proxy, out _))
            .Select(proxy => $"AaiProxy:ReverseProxy:KnownProxies has '{proxy}', which is not an IP address."));
        failures.AddRange(options.ReverseProxy.KnownNetworks.Where(network => !System.Net.IPNetwork.TryParse(network, out _))
            .Select(network => $"AaiProxy:ReverseProxy:KnownNetworks has '{network}', which is not a CIDR network such as 10.0.0.0/8."));

        var duplicates = options.Clients.GroupBy(client => client.ClientId, StringComparer.Ordinal).Where(group => group.Count() > 1);
        failures.AddRange(duplicates.Select(group => $"AaiProxy:Clients declares client '{group.Key}' more than once."));

        for (var index = 0; index < options.Clients.Count; index++)
        {
            failures.AddRange(ValidateClient($"AaiProxy:Clients:{index}", options.Clients[index]));
        }

        if (options.ManagedClientRefresh < TimeSpan.FromSeconds(1))
        {
            failures.Add("AaiProxy:ManagedClientRefresh must be at least 00:00:01 (how often managed clients are reloaded).");
        }

        failures.AddRange(MultiNodeValidation.Validate(options, accounts.Value, database.Value.Provider));
        failures.AddRange(GroupOptionsValidation.Validate(options));
        failures.AddRange(MailOptionsValidation.Validate(options.Mail, environment.IsProduction()));
        failures.AddRange(BrandingOptionsValidation.Validate(options.Branding));
        failures.AddRange(KeysOptionsValidation.Validate(options.Keys, environment.IsProduction()));
        failures.AddRange(options.Telemetry.MetricsAllowedNetworks.Where(network => !System.Net.IPNetwork.TryParse(network, out _))
            .Select(network => $"AaiProxy:Telemetry:MetricsAllowedNetworks has '{network}', which is not a CIDR network such as 10.0.5.0/24."));
        if (options.Telemetry.MetadataMaxAge <= TimeSpan.Zero)
        {
            failures.Add("AaiProxy:Telemetry:MetadataMaxAge must be positive, for example 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The rules every client obeys, declared or managed (<c>AaiProxy.Server.Clients.ClientAdministration</c>); each message starts with <paramref name="path"/>.</summary>
    internal static IEnumerable<string> ValidateClient(string path, ClientOptions client)
    {
        if (string.IsNullOrWhiteSpace(client.ClientId))
        {
            yield return $"{path}:ClientId is required.";
            yield break;
        }

        var label = $"{path} ('{client.ClientId}')";
        var hasSecret = !string.IsNullOrEmpty(client.ClientSecret) || !string.IsNullOrEmpty(client.ClientSecretFile);
        if (client.Type == ClientType.Confidential && !hasSecret)
        {
            yield return $"{label} is confidential: set ClientSecret or ClientSecretFile.";
        }

        if (client.Type == ClientType.Confidential && !string.IsNullOrEmpty(client.ClientSecret) && !string.IsNullOrEmpty(client.ClientSecretFile))
        {
            yield return $"{label}: set only one of ClientSecret and ClientSecretFile.";
        }

        if (client.ClientSecretFile is { Length: > 0 } file && !File.Exists(file))
        {
            yield return $"{label}: ClientSecretFile '{file}' does not exist.";
        }

        if (client.Type == ClientType.Public && hasSecret)
        {
            yield return $"{label} is public: remove its ClientSecret/ClientSecretFile (a public client cannot keep a secret).";
        }

        if (client.Type == ClientType.Public && !client.RequirePkce)
        {
            yield return $"{label} is public: RequirePkce cannot be false.";
        }

        if (client.Type == ClientType.Public && client.AllowedGrants.Contains(OpenIddictConstants.GrantTypes.ClientCredentials))
        {
            yield return $"{label} is public: it cannot use client_credentials.";
        }

        if (client.Native && client.Type != ClientType.Public)
        {
            yield return $"{label} is Native: a program on the person's device cannot keep a secret; make it Public.";
        }

        if (client.Type == ClientType.Confidential && client.AllowedGrants.Contains(OpenIddictConstants.GrantTypes.DeviceCode))
        {
            yield return $"{label} is confidential: the device grant is for public clients (command-line tools cannot keep a secret); make it Public.";
        }

        if (client.AllowedGrants.Count == 0)
        {
            yield return $"{label}: set AllowedGrants (any of {string.Join(", ", SupportedGrants)}).";
        }

        foreach (var grant in client.AllowedGrants.Where(grant => !SupportedGrants.Contains(grant)))
        {
            yield return $"{label}: grant '{grant}' is not supported; use any of {string.Join(", ", SupportedGrants)}.";
        }

        if (client.AllowedGrants.Contains(OpenIddictConstants.GrantTypes.AuthorizationCode) && client.RedirectUris.Count == 0)
        {
            yield return $"{label} uses authorization_code: set RedirectUris.";
        }

        foreach (var uri in client.RedirectUris.Concat(client.PostLogoutRedirectUris))
        {
            var concrete = uri.Replace(ClientOptions.OriginPlaceholder, "http://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(concrete, UriKind.Absolute, out var parsed) || !string.IsNullOrEmpty(parsed.Fragment))
            {
                yield return $"{label}: '{uri}' is not an absolute URI without a fragment.";
            }
        }

        foreach (var (key, logoutUri) in new[] { ("BackChannelLogoutUri", client.BackChannelLogoutUri), ("FrontChannelLogoutUri", client.FrontChannelLogoutUri) })
        {
            if (logoutUri is not null && (!Uri.TryCreate(logoutUri, UriKind.Absolute, out var logout) ||
                                          logout.Scheme is not ("https" or "http") || logout.Fragment.Length > 0))
            {
                yield return $"{label}: {key} '{logoutUri}' is not an absolute http(s) URI without a fragment.";
            }
        }

        if (client.BackChannelLogoutSessionRequired && client.BackChannelLogoutUri is null)
        {
            yield return $"{label}: BackChannelLogoutSessionRequired is set without a BackChannelLogoutUri.";
        }

        foreach (var scope in client.AllowedScopes.Where(scope => !ClaimTable.Scopes.Contains(scope) && !AaiProxy.Groups.Management.ApiScopes.All.Contains(scope)))
        {
            yield return $"{label}: scope '{scope}' is unknown; known scopes: {string.Join(' ', ClaimTable.Scopes.Concat(AaiProxy.Groups.Management.ApiScopes.All))}.";
        }

        // RFC 8707 §2: a resource indicator is an absolute URI without a fragment.
        foreach (var resource in client.Resources.Where(resource => !Uri.TryCreate(resource, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0))
        {
            yield return $"{label}: resource '{resource}' is not an absolute URI without a fragment (RFC 8707).";
        }

        foreach (var audience in client.TokenExchangeAudiences.Where(audience => !Uri.TryCreate(audience, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0))
        {
            yield return $"{label}: TokenExchangeAudiences has '{audience}', which is not an absolute URI without a fragment (the target service's resource indicator).";
        }

        if (client.AccessTokenFormat == AccessTokenFormat.Reference && !client.StoreClientCredentialsTokens)
        {
            yield return $"{label}: a reference access token is its database entry; AccessTokenFormat Reference needs StoreClientCredentialsTokens true.";
        }

        if (client.DefaultResource is { } defaultResource && !client.Resources.Contains(defaultResource))
        {
            yield return $"{label}: DefaultResource '{defaultResource}' is not one of its Resources.";
        }
    }
}
