using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Server.Tests.Groups;
using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Api;

/// <summary>
/// The proxy with the API open to the demo portal's people (its tokens are for the API resource and
/// may hold the API scopes) besides demo-service, the demo facility's user office (config/demo.json).
/// </summary>
public sealed class ApiFixture : GroupAdministrationFixture
{
    public const string ApiResource = "urn:aaiproxy:api";
    public const string PersonScopes = "openid groups:read groups:write offline_access";

    protected override IReadOnlyDictionary<string, string>? Overrides => new Dictionary<string, string>(base.Overrides!)
    {
        ["AaiProxy:Clients:0:AllowedScopes:90"] = "groups:read",
        ["AaiProxy:Clients:0:AllowedScopes:91"] = "groups:write",
        ["AaiProxy:Clients:0:Resources:90"] = ApiResource,
    };

    /// <summary>A client-credentials token of the demo facility's user office for the API.</summary>
    public async Task<string> UserOfficeTokenAsync(string scope = "groups:read groups:write proposals:write")
    {
        var (status, body) = await new OidcTestClient(Factory).TokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = OidcTestClient.ServiceClientId,
            ["client_secret"] = OidcTestClient.ServiceSecret,
            ["scope"] = scope,
            ["resource"] = ApiResource,
        });
        Assert.True(status == System.Net.HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>A demo person's tokens from the demo portal (code flow), for the API and their groups.</summary>
    public Task<JsonElement> PersonTokensAsync(string user, string scope = PersonScopes) =>
        new OidcTestClient(Factory).CodeFlowAsync(user, scope, resources: ApiResource);

    public HttpClient Api(string accessToken)
    {
        var client = Factory.CreateClient();
        // The bulk import of 1,000 proposals outlasts HttpClient's 100 s default on a loaded machine; nothing here measures time.
        client.Timeout = TimeSpan.FromMinutes(15);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
