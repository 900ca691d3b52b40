using System.Text.RegularExpressions;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream.Saml;
using AaiProxy.Upstream.Oidc;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>Refuses to start with an upstream OpenID Connect provider that could not work or would be unsafe,
/// each message naming the key to set.</summary>
internal sealed partial class OidcProvidersOptionsValidator : IValidateOptions<OidcProvidersOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcProvidersOptions options)
    {
        var failures = options.OpenIdConnectProviders.SelectMany((provider, index) => Check(provider, $"{OidcProvidersOptions.ListKey}:{index}"))
            .Concat(Duplicates(options.OpenIdConnectProviders, provider => provider.Id, "Id"))
            .Concat(Duplicates(options.OpenIdConnectProviders, provider => provider.Authority, "Authority"))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Check(OidcProviderOptions provider, string key)
    {
        if (!SchemeName().IsMatch(provider.Id))
        {
            yield return $"{key}:Id must be 1 to 32 lower-case letters, digits or '-', starting with a letter or digit (it names the scheme and its callback path).";
        }
        else if (provider.Id is SamlAuthenticationDefaults.Scheme || provider.Id.Equals(SessionDefaults.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{key}:Id '{provider.Id}' is taken by another authentication scheme of the proxy.";
        }

        if (!Uri.TryCreate(provider.Authority, UriKind.Absolute, out var authority) || authority.Query.Length > 0 || authority.Fragment.Length > 0 ||
            (authority.Scheme != Uri.UriSchemeHttps && !(authority.Scheme == Uri.UriSchemeHttp && provider.AllowInsecureHttp)))
        {
            yield return $"{key}:Authority must be the provider's issuer as an absolute https URL without query or fragment " +
                         $"(http only with {key}:AllowInsecureHttp, for local tests).";
        }

        if (string.IsNullOrWhiteSpace(provider.ClientId))
        {
            yield return $"{key}:ClientId must be set to the client id the provider registered for the proxy.";
        }

        if (provider.ClientSecretFile is { } file && (string.IsNullOrWhiteSpace(file) || !File.Exists(file) || string.IsNullOrWhiteSpace(File.ReadAllText(file))))
        {
            yield return $"{key}:ClientSecretFile '{file}' does not exist or is empty.";
        }

        if (provider.Scopes.Any(scope => string.IsNullOrWhiteSpace(scope) || scope.Any(char.IsWhiteSpace)))
        {
            yield return $"{key}:Scopes must be single scope values without spaces.";
        }

        foreach (var (claim, target) in provider.ClaimMappings.Where(pair => !OidcClaimMapping.MappableAttributes.Contains(pair.Value)))
        {
            yield return $"{key}:ClaimMappings:{claim} maps to '{target}', which is not one of {string.Join(", ", OidcClaimMapping.MappableAttributes)}.";
        }
    }

    private static IEnumerable<string> Duplicates(List<OidcProviderOptions> providers, Func<OidcProviderOptions, string> value, string property) =>
        providers.Select((provider, index) => (Value: value(provider), Index: index))
            .Where(entry => !string.IsNullOrEmpty(entry.Value))
            .GroupBy(entry => entry.Value, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group => $"{OidcProvidersOptions.ListKey}: entries {string.Join(" and ", group.Select(entry => entry.Index))} have the same {property} '{group.Key}'.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex SchemeName();
}
