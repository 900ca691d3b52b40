namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>Upstream OpenID Connect providers: configuration key <c>AaiProxy:OpenIdConnectProviders</c>.</summary>
public sealed class OidcProvidersOptions
{
    /// <summary>The section this class binds; its one property is the provider list.</summary>
    public const string SectionName = "AaiProxy";

    public const string ListKey = SectionName + ":" + nameof(OpenIdConnectProviders);

    /// <summary>Each provider becomes one upstream authentication scheme named by its <see cref="OidcProviderOptions.Id"/>.</summary>
    public List<OidcProviderOptions> OpenIdConnectProviders { get; set; } = [];

    /// <summary>The provider whose scheme is <paramref name="id"/>, or null.</summary>
    public OidcProviderOptions? Find(string id) =>
        OpenIdConnectProviders.FirstOrDefault(provider => string.Equals(provider.Id, id, StringComparison.Ordinal));
}

/// <summary>One upstream OpenID Provider (ORCID, another community AAI, a national eduID), used with the
/// authorization code flow and PKCE as a confidential client (or a public one without a secret).</summary>
public sealed class OidcProviderOptions
{
    /// <summary>The default scopes after <c>openid</c> when <see cref="Scopes"/> is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultScopes = ["profile", "email"];

    /// <summary>The scheme name and the path segment of its endpoints (<c>/upstream/oidc/{Id}/callback</c>):
    /// lower-case letters, digits and '-'. Changing it changes the redirect URI registered at the provider.</summary>
    public string Id { get; set; } = "";

    /// <summary>What people see on the sign-in page; unset: the <see cref="Id"/>.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The provider's issuer, exactly as its discovery document states it (<c>https://orcid.org</c>);
    /// its metadata is read from <c>{Authority}/.well-known/openid-configuration</c>, and ID tokens from
    /// another issuer are refused.</summary>
    public string Authority { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>A file holding the client secret (trailing whitespace ignored). Secrets are never read from
    /// the configuration itself; the file's path may come from an environment variable
    /// (<c>AaiProxy__OpenIdConnectProviders__0__ClientSecretFile</c>). Unset: a public client (PKCE only).</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>Scopes requested besides <c>openid</c>; empty: <see cref="DefaultScopes"/>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Claims this provider names differently: provider claim name → internal attribute (e.g.
    /// <c>"mail": "email"</c>). Only non-identifier attributes can be targets; the person is linked by <c>sub</c>.</summary>
    public Dictionary<string, string> ClaimMappings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Also read the claims of the userinfo endpoint (checked against the ID token's <c>sub</c>).</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; } = true;

    /// <summary>Allow an <c>http://</c> authority. Only for local tests and demos.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>The name shown on the sign-in page.</summary>
    public string ShownName => string.IsNullOrWhiteSpace(DisplayName) ? Id : DisplayName;

    /// <summary>The requested scopes, <c>openid</c> first.</summary>
    public IEnumerable<string> EffectiveScopes =>
        new[] { "openid" }.Concat(Scopes.Count == 0 ? DefaultScopes : Scopes).Distinct(StringComparer.Ordinal);

    public override string ToString() => Id; // never the secret
}
