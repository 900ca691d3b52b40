using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Server.Tests.Groups;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Clients;

/// <summary>
/// The proxy with a second facility (<see cref="OtherFacility"/>) and two API clients that are the user offices of the demo
/// facility and of the other one (so facility admins of each), allowed the client-registration scopes.
/// </summary>
public sealed class ClientApiFixture : GroupAdministrationFixture
{
    public const string ApiResource = "urn:aaiproxy:api";
    public const string OtherFacility = "other";
    public const string DemoOfficeId = "test-office-demo";
    public const string OtherOfficeId = "test-office-other";
    public const string OfficeSecret = "test-office-secret";

    /// <summary>A resource declared in config/demo.json (the demo data catalogue): one a managed client may ask tokens for.</summary>
    public const string CatalogueResource = "https://data-catalogue.demo.aaiproxy.example.org/";

    protected override IReadOnlyDictionary<string, string>? Overrides
    {
        get
        {
            var overrides = new Dictionary<string, string>(base.Overrides!)
            {
                // Appended after the demo's facilities.
                ["AaiProxy:Facilities:90:Code"] = OtherFacility,
                ["AaiProxy:Facilities:90:Name"] = "Other Light Source",
                ["AaiProxy:Facilities:90:ProposalIdPattern"] = "^OTH-\\d{3}$",
            };
            foreach (var (testClient, clientId, facility) in new[] { (1, DemoOfficeId, "demo"), (2, OtherOfficeId, OtherFacility) })
            {
                overrides[ConfiguredClients.Key(testClient, "ClientId")] = clientId;
                overrides[ConfiguredClients.Key(testClient, "Type")] = "Confidential";
                overrides[ConfiguredClients.Key(testClient, "ClientSecret")] = OfficeSecret;
                overrides[ConfiguredClients.Key(testClient, "AllowedGrants:0")] = "client_credentials";
                overrides[ConfiguredClients.Key(testClient, "AllowedScopes:0")] = "clients:read";
                overrides[ConfiguredClients.Key(testClient, "AllowedScopes:1")] = "clients:write";
                overrides[ConfiguredClients.Key(testClient, "Resources:0")] = ApiResource;
                overrides[ConfiguredClients.Key(testClient, "UserOfficeFor:0")] = facility;
            }

            return overrides;
        }
    }

    /// <summary>The API as the user office <paramref name="clientId"/>.</summary>
    public async Task<HttpClient> OfficeAsync(string clientId)
    {
        var (status, body) = await new OidcTestClient(Factory).TokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = OfficeSecret,
            ["scope"] = "clients:read clients:write",
            ["resource"] = ApiResource,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return client;
    }

    /// <summary>A new confidential client-credentials client of the demo facility, registered by its user office.</summary>
    public async Task<(string ClientId, string Secret)> RegisterAsync(HttpClient office, object? extra = null)
    {
        var clientId = $"svc-{Guid.NewGuid():N}"[..20];
        var body = JsonSerializer.SerializeToNode(new
        {
            client_id = clientId,
            client_name = "A facility service",
            facility = "demo",
            grant_types = new[] { "client_credentials" },
            scopes = new[] { "eduperson_entitlement" },
            resources = new[] { CatalogueResource },
        })!.AsObject();
        if (extra is not null)
            foreach (var (name, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
                body[name] = value?.DeepClone();
        using var created = await office.PostAsJsonAsync("/api/v1/clients", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (clientId, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_secret").GetString()!);
    }

    public async Task<List<AuditEventEntity>> AuditAsync(string target)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking()
            .Where(auditEvent => auditEvent.Target == target).OrderBy(auditEvent => auditEvent.Id).ToListAsync();
    }

    public static Dictionary<string, string> Details(AuditEventEntity auditEvent) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(auditEvent.Details)!;
}
