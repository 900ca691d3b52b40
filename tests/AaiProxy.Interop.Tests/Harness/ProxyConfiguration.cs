namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// THE configuration contract between these tests and the server: every setting the interop tests
/// give the proxy, as environment variables (ASP.NET Core configuration, <c>__</c> = section). The
/// server must honour each of them; nothing else is passed (besides <c>--urls</c>).
/// </summary>
internal sealed record ProxyConfiguration(
    int Port,
    string DataDirectory,
    string IdentityProviderMetadataFile,
    string IdentityProviderEntityId,
    string IdentityProviderDisplayName,
    bool RequireEncryptedAssertions)
{
    /// <summary>The entitlements SimpleSAMLphp's test users carry start with this.</summary>
    public const string UpstreamEntitlementPrefix = "urn:mace:example.org:group:";

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public IReadOnlyDictionary<string, string> EnvironmentVariables() => new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_NOLOGO"] = "1",
        // The issuer; its origin also makes the SP entity ID ({origin}/saml/metadata) and ACS ({origin}/saml/acs).
        ["AaiProxy__Issuer"] = BaseUrl.ToString(),
        // All state (SQLite database, keys) in a throwaway directory.
        ["AaiProxy__DataDirectory"] = DataDirectory,
        // The embedded demo: its data portal (/demo/portal) is the OIDC client the browser uses.
        ["AaiProxy__Demo__Enabled"] = "true",
        // Without the demo's generated federation: the IdP below is the one to choose.
        ["AaiProxy__Demo__GeneratedFederation__Entities"] = "0",
        // The one upstream IdP: SimpleSAMLphp, from its (signed) metadata file.
        ["AaiProxy__Saml__IdentityProviders__0__MetadataFile"] = IdentityProviderMetadataFile,
        ["AaiProxy__Saml__IdentityProviders__0__DisplayName"] = IdentityProviderDisplayName,
        // When true the proxy refuses assertions from this IdP that were not encrypted: proves the
        // encrypted run really decrypted something.
        ["AaiProxy__Saml__IdentityProviders__0__RequireEncryptedAssertions"] = RequireEncryptedAssertions ? "true" : "false",
        // Upstream entitlements pass only from an issuer allowed to assert them, under its prefixes.
        ["AaiProxy__Claims__UpstreamEntitlements__0__Issuer"] = IdentityProviderEntityId,
        ["AaiProxy__Claims__UpstreamEntitlements__0__AllowedPrefixes__0"] = UpstreamEntitlementPrefix,
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__AaiProxy"] = "Debug",
    };
}
