namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// THE configuration contract between these tests and the server: every setting the interop tests
/// give the proxy, as environment variables (ASP.NET Core configuration, <c>__</c> = section). The
/// server must honour each of them; nothing else is passed (besides <c>--urls</c>).
/// </summary>
/// <param name="Upstream">A SAML IdP besides the demo IdP (SimpleSAMLphp), or none.</param>
/// <param name="Settings">Further settings of a test, as configuration keys (<c>AaiProxy:Mail:Smtp:Host</c>).</param>
internal sealed record ProxyConfiguration(
    int Port,
    string DataDirectory,
    SamlUpstream? Upstream = null,
    IReadOnlyDictionary<string, string>? Settings = null)
{
    /// <summary>The entitlements SimpleSAMLphp's test users carry start with this.</summary>
    public const string UpstreamEntitlementPrefix = "urn:mace:example.org:group:";

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public IReadOnlyDictionary<string, string> EnvironmentVariables()
    {
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_NOLOGO"] = "1",
            // The issuer; its origin also makes the SP entity ID ({origin}/saml/metadata) and ACS ({origin}/saml/acs).
            ["AaiProxy__Issuer"] = BaseUrl.ToString(),
            // All state (SQLite database, keys) in a throwaway directory.
            ["AaiProxy__DataDirectory"] = DataDirectory,
            // The embedded demo: its data portal (/demo/portal) is the OIDC client the browser uses.
            ["AaiProxy__Demo__Enabled"] = "true",
            // The demo portal as a facility-internal client: no release notice (consent page) unless a test's settings ask for it.
            ["AaiProxy__Clients__0__FacilityInternal"] = "true",
            // Without the demo's generated federation unless a test's settings ask for it.
            ["AaiProxy__Demo__GeneratedFederation__Entities"] = "0",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__AaiProxy"] = "Debug",
        };
        if (Upstream is { } idp)
        {
            // The upstream IdP, from its (signed) metadata file.
            variables["AaiProxy__Saml__IdentityProviders__0__MetadataFile"] = idp.MetadataFile;
            variables["AaiProxy__Saml__IdentityProviders__0__DisplayName"] = idp.DisplayName;
            // When true the proxy refuses assertions from this IdP that were not encrypted: proves the
            // encrypted run really decrypted something.
            variables["AaiProxy__Saml__IdentityProviders__0__RequireEncryptedAssertions"] = idp.RequireEncryptedAssertions ? "true" : "false";
            // Upstream entitlements pass only from an issuer allowed to assert them, under its prefixes.
            variables["AaiProxy__Claims__UpstreamEntitlements__0__Issuer"] = idp.EntityId;
            variables["AaiProxy__Claims__UpstreamEntitlements__0__AllowedPrefixes__0"] = UpstreamEntitlementPrefix;
            // Its people are registered by their facility: accounts at first login (the demo alone runs Interactive).
            variables["AaiProxy__Registration__Mode"] = "Automatic";
        }

        foreach (var (key, value) in Settings ?? new Dictionary<string, string>())
        {
            variables[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return variables;
    }
}

/// <summary>A SAML IdP the proxy trusts from a metadata file.</summary>
internal sealed record SamlUpstream(string MetadataFile, string EntityId, string DisplayName, bool RequireEncryptedAssertions);
