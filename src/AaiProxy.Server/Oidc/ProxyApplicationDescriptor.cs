using OpenIddict.Abstractions;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// A client as the proxy stores it: OpenIddict's descriptor keeps redirect URIs as a set of <see cref="Uri"/>, which
/// holds <c>http://localhost:5341</c> and <c>http://localhost:5341/</c> as one; the proxy stores and matches the
/// strings as registered (<see cref="ExactRedirectUris"/>, written and read by <see cref="ProxyApplicationManager{TApplication}"/>).
/// </summary>
internal sealed class ProxyApplicationDescriptor : OpenIddictApplicationDescriptor
{
    /// <summary>The redirect URIs exactly as registered, each once.</summary>
    public List<string> ExactRedirectUris { get; } = [];
}
