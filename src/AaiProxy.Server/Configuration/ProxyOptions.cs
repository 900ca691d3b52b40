using AaiProxy.Data;

namespace AaiProxy.Server.Configuration;

/// <summary>The proxy's settings: configuration section <c>AaiProxy</c>.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "AaiProxy";

    /// <summary>Where the SQLite database and data-protection keys live (default <c>./data</c>).</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The issuer URL. Unset: OpenIddict derives it from each request's scheme and host.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Accept plain-HTTP requests on the OIDC endpoints. Only for development and the demo.</summary>
    public bool AllowInsecureHttp { get; set; }

    public TokenOptions Tokens { get; set; } = new();

    /// <summary>How long the proxy's own browser session lasts, counted from the login that started it.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public AuthenticationOptions Authentication { get; set; } = new();

    public RedisOptions Redis { get; set; } = new();

    /// <summary>Declares a PostgreSQL deployment to be one node only. Otherwise, with <c>Database:Provider=PostgreSql</c>
    /// (the multi-node database), start-up requires what nodes must share: <see cref="RedisOptions.Configuration"/>
    /// (SAML replay cache, outstanding SAML requests, data-protection keys), a configured key-encryption key
    /// (<see cref="KeysOptions"/>, the same on every node) and <c>AaiProxy:Accounts:PairwiseSecretFile</c> (the same
    /// secret on every node). See docs/multi-node.md.</summary>
    public bool SingleNode { get; set; }

    public RateLimitOptions RateLimiting { get; set; } = new();

    public ReverseProxyOptions ReverseProxy { get; set; } = new();

    public DemoOptions Demo { get; set; } = new();

    public List<ClientOptions> Clients { get; set; } = [];

    /// <summary>How often each node reloads the clients managed at run time (admin pages, API, operator CLI) from the
    /// database: a change made on another node applies within this bound (at once on the node that made it).</summary>
    public TimeSpan ManagedClientRefresh { get; set; } = TimeSpan.FromSeconds(30);

    public GroupsOptions Groups { get; set; } = new();

    public MailOptions Mail { get; set; } = new();

    public AdminOptions Admin { get; set; } = new();

    public BrandingOptions Branding { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    public KeysOptions Keys { get; set; } = new();

    public List<FacilityOptions> Facilities { get; set; } = [];

    /// <summary>The group management API (<c>/api/v1</c>, <c>/scim/v2</c>).</summary>
    public ApiOptions Api { get; set; } = new();

    /// <summary>The data directory as an absolute path.</summary>
    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
}

/// <summary>What the proxy can ask upstream providers for: section <c>AaiProxy:Authentication</c>.</summary>
public sealed class AuthenticationOptions
{
    /// <summary>Authentication context classes (OIDC <c>acr</c> values) the proxy can request from upstream
    /// providers and so honour in <c>acr_values</c> and the <c>claims</c> parameter. A requested value not in
    /// this list is ignored when voluntary and refused with <c>unmet_authentication_requirements</c> when essential.</summary>
    public List<string> SupportedContextClasses { get; set; } = [AuthenticationContextClasses.RefedsMfa];
}

public static class AuthenticationContextClasses
{
    public const string RefedsMfa = "https://refeds.org/profile/mfa";
}

public sealed class TokenOptions
{
    /// <summary><c>RS256</c> (default) or <c>ES256</c>: the algorithm of ID and access tokens.</summary>
    public string SigningAlgorithm { get; set; } = SigningAlgorithms.RS256;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(20);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a rotated refresh token may still be used (concurrent requests). Zero: a rotated
    /// refresh token is rejected at once.
    /// </summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a client secret, once verified against its stored (PBKDF2) hash, is accepted again without
    /// PBKDF2 (kept in memory as an HMAC under a per-process key; a rotated secret is never covered). Zero: never.
    /// </summary>
    public TimeSpan VerifiedSecretLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the token and introspection endpoints reuse a client they looked up in the database (a detached
    /// copy each time; a change through the application manager on this node is seen at once, on another node
    /// within this time). Zero: every request reads the database.
    /// </summary>
    public TimeSpan ClientLookupLifetime { get; set; } = TimeSpan.FromSeconds(10);
}

public static class SigningAlgorithms
{
    public const string RS256 = "RS256";
    public const string ES256 = "ES256";
}

public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis configuration string; unset: in-memory cache, keys on disk.</summary>
    public string? Configuration { get; set; }
}

/// <summary>
/// Reverse proxies (TLS terminators, load balancers) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> headers are believed: then cookies know the public scheme is HTTPS and
/// rate limits see the client's address. Empty: such headers are ignored (nobody can spoof them).
/// </summary>
public sealed class ReverseProxyOptions
{
    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool Configured => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>
/// Fixed-window limits of the rate-limited endpoints (names in <see cref="AaiProxy.Server.Web.RateLimitedEndpoints"/>):
/// one bucket per endpoint and caller — the client id on token, par, device, introspect and revoke, else the IP address.
/// With <see cref="RedisOptions.Configuration"/> the buckets are counted in Redis and shared by every node; see docs/multi-node.md.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per caller per window, for each rate-limited endpoint that sets no limit of its own.</summary>
    public int PermitLimit { get; set; } = 60;

    /// <summary>The window (whole seconds, at least one: Redis counts in seconds).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Per-endpoint limits by endpoint name (token, authorize, par, device, verify, introspect, revoke, login,
    /// discovery, acs, api); what an entry leaves unset is inherited from <see cref="PermitLimit"/> and <see cref="Window"/>.</summary>
    public Dictionary<string, EndpointRateLimit> Endpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The fixed-window limit of one endpoint's bucket.</summary>
    public System.Threading.RateLimiting.FixedWindowRateLimiterOptions For(string endpoint)
    {
        var own = Endpoints.GetValueOrDefault(endpoint);
        return new() { PermitLimit = own?.PermitLimit ?? PermitLimit, Window = own?.Window ?? Window };
    }

    /// <summary>What is wrong, each naming the key to set; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (PermitLimit <= 0 || Window < TimeSpan.FromSeconds(1))
        {
            yield return "AaiProxy:RateLimiting:PermitLimit must be positive and AaiProxy:RateLimiting:Window at least 00:00:01.";
        }

        foreach (var (name, limit) in Endpoints)
        {
            if (!AaiProxy.Server.Web.RateLimitedEndpoints.All.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                yield return $"AaiProxy:RateLimiting:Endpoints:{name} is not a rate-limited endpoint; use one of {string.Join(", ", AaiProxy.Server.Web.RateLimitedEndpoints.All)}.";
            }

            if (limit.PermitLimit is <= 0 || limit.Window < TimeSpan.FromSeconds(1))
            {
                yield return $"AaiProxy:RateLimiting:Endpoints:{name} must have a positive PermitLimit and a Window of at least 00:00:01.";
            }
        }
    }
}

public sealed class EndpointRateLimit
{
    public int? PermitLimit { get; set; }

    public TimeSpan? Window { get; set; }
}

public sealed class DemoOptions
{
    /// <summary>The embedded demo (demo login, demo portal, demo clients). Never in production.</summary>
    public bool Enabled { get; set; }

    public List<DemoUser> Users { get; set; } = [];

    /// <summary>The demo IdP encrypts its assertions to the proxy (as many eduGAIN IdPs do).</summary>
    public bool EncryptAssertions { get; set; } = true;

    /// <summary>Proposals the demo seeds (through the import planner); their teams name demo users.</summary>
    public List<DemoProposal> Proposals { get; set; } = [];
}

/// <summary>A demo proposal, in the import's terms (dates RFC 3339).</summary>
public sealed class DemoProposal
{
    public string Facility { get; set; } = "";

    public string Id { get; set; } = "";

    public string Title { get; set; } = "";

    public List<DemoSession> Sessions { get; set; } = [];

    public List<DemoTeamMember> Team { get; set; } = [];
}

public sealed class DemoSession
{
    public string Instrument { get; set; } = "";

    public string Start { get; set; } = "";

    public string End { get; set; } = "";
}

/// <summary>A demo user (<see cref="DemoUser.Username"/>) on a demo proposal's team.</summary>
public sealed class DemoTeamMember
{
    public string User { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

/// <summary>A person the demo login can sign in; attribute values use internal attribute names.</summary>
public sealed class DemoUser
{
    public string Username { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public Dictionary<string, List<string>> Attributes { get; set; } = [];

    public string? AuthenticationContextClass { get; set; }

    /// <summary>Known to the proxy already (registered by a user office): no registration page at the first login.</summary>
    public bool PreRegistered { get; set; } = true;
}

/// <summary>The form of a client's access tokens (<see cref="ClientOptions.AccessTokenFormat"/>).</summary>
public enum AccessTokenFormat
{
    Jwt,
    Reference,
}

public enum ClientType
{
    Public,
    Confidential,
}

/// <summary>A downstream client declared in configuration (<c>AaiProxy:Clients</c>).</summary>
public sealed class ClientOptions
{
    /// <summary>Stands, in redirect URIs, for the public origin: <see cref="ProxyOptions.Issuer"/>'s; without an issuer, each
    /// origin the server listens on (<c>urls</c>).</summary>
    public const string OriginPlaceholder = "{origin}";

    public string ClientId { get; set; } = "";

    public string? DisplayName { get; set; }

    public ClientType Type { get; set; } = ClientType.Confidential;

    public string? ClientSecret { get; set; }

    /// <summary>A file holding the secret (trailing whitespace ignored), instead of <see cref="ClientSecret"/>.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>Matched exactly as written (a trailing slash counts); for a <see cref="Native"/> client a loopback URI
    /// (<c>http://127.0.0.1</c>, <c>http://[::1]</c>, <c>http://localhost</c>) matches on any port (RFC 8252 §7.3).</summary>
    public List<string> RedirectUris { get; set; } = [];

    /// <summary>A program on the person's own device (command-line tool, desktop application): a public client whose
    /// loopback redirect URIs match on any port, as RFC 8252 §7.3 requires.</summary>
    public bool Native { get; set; }

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>OpenID Connect Back-Channel Logout 1.0: where the proxy POSTs a logout token when a session in which
    /// this client received tokens ends. Absolute http(s) URI without a fragment.</summary>
    public string? BackChannelLogoutUri { get; set; }

    /// <summary>The client needs <c>sid</c> in its logout tokens (<c>backchannel_logout_session_required</c>): a
    /// sign-out that names no session of this client (e.g. one from before sessions had ids) is not sent to it.</summary>
    public bool BackChannelLogoutSessionRequired { get; set; }

    /// <summary>OpenID Connect Front-Channel Logout 1.0, for a client without <see cref="BackChannelLogoutUri"/>: when the
    /// person signs out at the end-session endpoint, the sign-out page loads this URI (with <c>iss</c> and <c>sid</c>)
    /// in a hidden iframe. Absolute http(s) URI without a fragment.</summary>
    public string? FrontChannelLogoutUri { get; set; }

    /// <summary>authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code (public clients only).</summary>
    public List<string> AllowedGrants { get; set; } = [];

    public List<string> AllowedScopes { get; set; } = [];

    /// <summary>
    /// A service the operator runs for the facility itself: its logins release claims without asking (implicit consent).
    /// False (default): at the first authorization, and whenever it asks for a scope not yet allowed, the person sees
    /// the release notice (what the client will receive) and allows or denies it (explicit consent, stored until revoked
    /// at <c>/account</c>).
    /// </summary>
    public bool FacilityInternal { get; set; }

    /// <summary>Every login for this client must be multi-factor (REFEDS MFA), as if it asked for it as essential.</summary>
    public bool RequireMfa { get; set; }

    /// <summary>Pairwise <c>sub</c> (OIDC Core 8.1) for this sector identifier (an https URI or host shared by the
    /// sector's clients); unset: the public community id. A pairwise client never receives <c>voperson_id</c>.</summary>
    public string? SectorIdentifier { get; set; }

    /// <summary>Require PKCE (S256). Always true for public clients.</summary>
    public bool RequirePkce { get; set; } = true;

    /// <summary>
    /// The resource indicators (RFC 8707, absolute URIs) this client may ask access tokens for: each
    /// becomes an <c>aud</c> of the token. Empty: the client's tokens are for itself (<c>aud</c> = client id).
    /// </summary>
    public List<string> Resources { get; set; } = [];

    /// <summary>The audience of a token requested without <c>resource</c>: one of <see cref="Resources"/>,
    /// unset: the first of them (or the client id when there are none).</summary>
    public string? DefaultResource { get; set; }

    /// <summary>The audience of an access token requested without <c>resource</c>.</summary>
    public string DefaultAudience => DefaultResource ?? (Resources.Count > 0 ? Resources[0] : ClientId);

    /// <summary>
    /// OAuth 2.0 Token Exchange (RFC 8693): the services (resource indicators, absolute URIs) for which this client may
    /// exchange a person's access token it holds, naming them as <c>audience</c> or <c>resource</c>. The exchanged token
    /// is for those services only, with at most the original scopes, and names this client as its actor
    /// (<c>act.sub</c>). Empty (default): the client may not exchange tokens (<c>unauthorized_client</c>); a target
    /// not listed is <c>invalid_target</c>.
    /// </summary>
    public List<string> TokenExchangeAudiences { get; set; } = [];

    /// <summary>
    /// False: the access tokens of this client's client-credentials grant are not stored (no database write
    /// per token), so they cannot be revoked or introspected as revoked: they only expire. Default true.
    /// </summary>
    public bool StoreClientCredentialsTokens { get; set; } = true;

    /// <summary>What the client may see of a person's groups; unset: no group claims at all.</summary>
    public ClientGroupsOptions? Groups { get; set; }

    /// <summary>Facility codes whose user office this client is: with a client-credentials token it may manage everything of those facilities through the API.</summary>
    public List<string> UserOfficeFor { get; set; } = [];

    /// <summary>E-mail addresses of the people responsible for the service (RFC 7591 <c>contacts</c>), for the operator.</summary>
    public List<string> Contacts { get; set; } = [];

    /// <summary>
    /// <see cref="AccessTokenFormat.Jwt"/> (default): self-contained RFC 9068 JWT access tokens. <see cref="AccessTokenFormat.Reference"/>:
    /// opaque reference tokens (the JWT stays in the database) that the service checks by introspection (RFC 7662), so a
    /// revocation takes effect at once.
    /// </summary>
    public AccessTokenFormat AccessTokenFormat { get; set; } = AccessTokenFormat.Jwt;

    /// <summary>The secret: <see cref="ClientSecretFile"/>'s content (trailing whitespace trimmed), else <see cref="ClientSecret"/>.</summary>
    public string? ReadSecret() => ClientSecretFile is { Length: > 0 } file ? File.ReadAllText(file).TrimEnd() : ClientSecret;

    public override string ToString() => ClientId; // never the secret
}
