using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Groups;
using AaiProxy.Identity;
using AaiProxy.Server.Clients;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Tests.Infrastructure;
using static AaiProxy.Server.Tests.Clients.ClientApiFixture;
using static AaiProxy.Server.Tests.Groups.GroupAdministrationFixture;

namespace AaiProxy.Server.Tests.Clients;

/// <summary>Service onboarding through /api/v1/clients and the client management service, with real tokens and database.</summary>
public sealed class ClientApiTests(ClientApiFixture fixture) : IClassFixture<ClientApiFixture>
{
    [Fact]
    public async Task Registered_client_gets_its_secret_once_and_tokens_for_its_resource_and_the_creation_is_audited()
    {
        using var office = await fixture.OfficeAsync(DemoOfficeId);

        var (clientId, secret) = await fixture.RegisterAsync(office, new { contacts = new[] { "ops@facility.example.org" } });
        using var read = await office.GetAsync($"/api/v1/clients/{clientId}");
        var (status, token) = await new OidcTestClient(fixture.Factory).ClientCredentialsAsync(clientId, secret);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("client_secret", out _));
        Assert.Equal(("facility:demo", false), (body.GetProperty("managed_by").GetString(), body.GetProperty("read_only").GetBoolean()));
        Assert.NotNull(read.Headers.ETag);
        Assert.True(status == HttpStatusCode.OK, token.ToString());
        // Its default audience is its one resource: the token pipeline sees the managed client's settings.
        Assert.Equal(CatalogueResource, ClaimTableTests.Payload(token.GetProperty("access_token").GetString()!).GetProperty("aud").GetString());
        var created = Assert.Single(await fixture.AuditAsync(clientId));
        Assert.Equal((AuditActions.ClientCreated, $"client:{DemoOfficeId}"), (created.Action, created.Actor));
        Assert.Equal(("set", "ops@facility.example.org", "demo"),
            (Details(created)["client_secret"], Details(created)["contacts"], Details(created)["facility"]));
        Assert.DoesNotContain(secret, created.Details);
    }

    [Fact]
    public async Task Patch_with_the_etag_changes_the_client_and_audits_the_changed_fields_and_a_stale_etag_is_412()
    {
        using var office = await fixture.OfficeAsync(DemoOfficeId);
        var (clientId, _) = await fixture.RegisterAsync(office);
        using var read = await office.GetAsync($"/api/v1/clients/{clientId}");
        var etag = read.Headers.ETag!.ToString();

        using var changed = await PatchAsync(office, clientId, etag, new
        {
            contacts = new[] { "new-ops@facility.example.org" },
            backchannel_logout_uri = "https://service.example.org/logout",
        });
        using var stale = await PatchAsync(office, clientId, etag, new { client_name = "Too late" });
        using var unconditional = await office.PatchAsJsonAsync($"/api/v1/clients/{clientId}", new { client_name = "No version" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://service.example.org/logout", body.GetProperty("backchannel_logout_uri").GetString());
        Assert.Equal("A facility service", body.GetProperty("client_name").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, unconditional.StatusCode);
        var updated = Assert.Single(await fixture.AuditAsync(clientId), auditEvent => auditEvent.Action == AuditActions.ClientUpdated);
        Assert.Equal($"client:{DemoOfficeId}", updated.Actor);
        Assert.Equal(["backchannel_logout_uri", "contacts"], Details(updated).Keys.Order());
        Assert.Equal("new-ops@facility.example.org", Details(updated)["contacts"]);
    }

    [Fact]
    public async Task Rotating_the_secret_returns_a_new_one_once_and_the_old_one_stops_working()
    {
        using var office = await fixture.OfficeAsync(DemoOfficeId);
        var (clientId, oldSecret) = await fixture.RegisterAsync(office);
        var oidc = new OidcTestClient(fixture.Factory);
        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync(clientId, oldSecret)).Status); // verified (and remembered) once

        using var rotated = await office.PostAsync($"/api/v1/clients/{clientId}/rotate-secret", null);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_secret").GetString()!;
        var (oldStatus, oldBody) = await oidc.ClientCredentialsAsync(clientId, oldSecret);
        var (newStatus, _) = await oidc.ClientCredentialsAsync(clientId, newSecret);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, oldStatus);
        Assert.Equal("invalid_client", oldBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, newStatus);
        var audited = Assert.Single(await fixture.AuditAsync(clientId), auditEvent => auditEvent.Action == AuditActions.ClientSecretRotated);
        Assert.Equal($"client:{DemoOfficeId}", audited.Actor);
        Assert.Equal(new Dictionary<string, string> { ["client_secret"] = "changed" }, Details(audited));
        Assert.DoesNotContain(newSecret, audited.Details);
    }

    [Fact]
    public async Task A_facility_admin_cannot_read_change_or_rotate_another_facilitys_client()
    {
        using var demoOffice = await fixture.OfficeAsync(DemoOfficeId);
        using var otherOffice = await fixture.OfficeAsync(OtherOfficeId);
        var (clientId, _) = await fixture.RegisterAsync(demoOffice);

        using var read = await otherOffice.GetAsync($"/api/v1/clients/{clientId}");
        using var changed = await PatchAsync(otherOffice, clientId, "*", new { client_name = "Taken over" });
        using var rotated = await otherOffice.PostAsync($"/api/v1/clients/{clientId}/rotate-secret", null);
        using var createdForDemo = await otherOffice.PostAsJsonAsync("/api/v1/clients", new
        {
            client_id = $"svc-{Guid.NewGuid():N}"[..20], facility = "demo", grant_types = new[] { "client_credentials" },
        });
        using var list = await otherOffice.GetAsync("/api/v1/clients");

        Assert.All([read, changed, rotated, createdForDemo], response => Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode));
        Assert.Equal("forbidden", (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.DoesNotContain((await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray(),
            item => item.GetProperty("client_id").GetString() == clientId);
        Assert.Equal([AuditActions.ClientCreated], (await fixture.AuditAsync(clientId)).Select(auditEvent => auditEvent.Action));
    }

    [Fact]
    public async Task A_redirect_uri_with_a_fragment_or_a_wildcard_is_a_400_invalid_redirect_uri_problem()
    {
        using var office = await fixture.OfficeAsync(DemoOfficeId);
        var clientId = $"svc-{Guid.NewGuid():N}"[..20];

        using var refused = await office.PostAsJsonAsync("/api/v1/clients", new
        {
            client_id = clientId, facility = "demo", client_type = "public", grant_types = new[] { "authorization_code" },
            redirect_uris = new[] { "https://service.example.org/callback#fragment", "https://service.example.org/*" },
        });
        using var read = await office.GetAsync($"/api/v1/clients/{clientId}");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("urn:aaiproxy:problem:invalid_redirect_uri", "invalid_redirect_uri"),
            (problem.GetProperty("type").GetString(), problem.GetProperty("code").GetString()));
        Assert.Equal(["redirect_uris", "redirect_uris"], problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Empty(await fixture.AuditAsync(clientId));
    }

    [Fact]
    public async Task Clients_declared_in_configuration_are_listed_read_only_and_refuse_every_change()
    {
        var list = Ok(await fixture.WithAsync<ClientAdministration, Outcome<IReadOnlyList<ClientView>>>(
            clients => clients.ListAsync(PlatformAdmin, CancellationToken.None)));
        var before = await fixture.AuditAsync(OidcTestClient.ServiceClientId);

        var portal = list.Single(view => view.ClientId == OidcTestClient.PortalClientId);
        var update = await fixture.WithAsync<ClientAdministration, Outcome<ClientView>>(clients => clients.UpdateAsync(
            PlatformAdmin, OidcTestClient.PortalClientId, portal.Registration with { ClientName = "Renamed" }, null, CancellationToken.None));
        var rotate = await fixture.WithAsync<ClientAdministration, Outcome<IssuedClient>>(clients =>
            clients.RotateSecretAsync(PlatformAdmin, OidcTestClient.ServiceClientId, CancellationToken.None));

        Assert.True(portal.ReadOnly);
        Assert.Equal(ClientView.ByConfiguration, portal.ManagedBy);
        Assert.Contains("managed by configuration", Failed<ClientView, Failure.Forbidden>(update).Detail);
        Failed<IssuedClient, Failure.Forbidden>(rotate);
        Assert.Equal(before.Select(auditEvent => auditEvent.Id), (await fixture.AuditAsync(OidcTestClient.ServiceClientId)).Select(auditEvent => auditEvent.Id));
        Assert.Equal(HttpStatusCode.OK, (await new OidcTestClient(fixture.Factory).ClientCredentialsAsync()).Status);
    }

    [Fact]
    public async Task A_person_managing_the_facility_group_registers_its_clients_but_gives_none_another_facilitys_groups()
    {
        var admin = await fixture.PersonAsync("facility-admin");
        var facility = await fixture.FacilityGroupAsync();
        Ok(await fixture.CallAsync(groups => groups.AddMemberAsync(PlatformAdmin, facility.Id,
            new AddMember(new PersonReference(admin, null), [GroupRoles.Manager], null, null), CancellationToken.None)));
        var actor = ManagementActor.Person(admin);
        var registration = new ClientInput
        {
            ClientId = $"svc-{Guid.NewGuid():N}"[..20], Facility = "demo", ClientType = "public", GrantTypes = ["authorization_code"],
            RedirectUris = ["https://scicat.example.org/auth/callback"], Scopes = ["openid", "proposals"],
            Groups = new GroupsInput { Facilities = ["demo"], PlainClaimName = "accessGroups" },
        };

        var created = await fixture.WithAsync<ClientAdministration, Outcome<IssuedClient>>(clients => clients.CreateAsync(actor, registration, CancellationToken.None));
        var otherGroups = await fixture.WithAsync<ClientAdministration, Outcome<IssuedClient>>(clients => clients.CreateAsync(actor,
            registration with { ClientId = registration.ClientId + "-b", Groups = new GroupsInput { Facilities = [OtherFacility] } }, CancellationToken.None));
        var otherFacility = await fixture.WithAsync<ClientAdministration, Outcome<IssuedClient>>(clients => clients.CreateAsync(actor,
            registration with { ClientId = registration.ClientId + "-c", Facility = OtherFacility, Groups = null }, CancellationToken.None));

        Assert.Null(Ok(created).ClientSecret); // public: no secret
        Assert.Equal(["https://scicat.example.org/auth/callback"], Ok(created).Client.Registration.RedirectUris!);
        Assert.Equal([ClientProblemCodes.GroupsOutsideFacility],
            Failed<IssuedClient, Failure.Invalid>(otherGroups).Problems.Select(problem => problem.Code));
        Failed<IssuedClient, Failure.Forbidden>(otherFacility);
        Assert.Equal($"account:{admin}", Assert.Single(await fixture.AuditAsync(registration.ClientId!)).Actor);
    }

    [Fact]
    public async Task A_managed_client_set_to_reference_tokens_gets_opaque_ones_and_jwts_again_once_patched_back()
    {
        using var office = await fixture.OfficeAsync(DemoOfficeId);
        var (clientId, secret) = await fixture.RegisterAsync(office, new { access_token_format = "reference" });
        var oidc = new OidcTestClient(fixture.Factory);

        var reference = (await oidc.ClientCredentialsAsync(clientId, secret)).Body.GetProperty("access_token").GetString()!;
        using var patched = await PatchAsync(office, clientId, "*", new { access_token_format = "jwt" });
        var jwt = (await oidc.ClientCredentialsAsync(clientId, secret)).Body.GetProperty("access_token").GetString()!;
        var (_, introspected) = await oidc.TokenAsync(new() { ["token"] = reference, ["client_id"] = clientId, ["client_secret"] = secret }, "/connect/introspect");

        Assert.False(new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CanReadToken(reference));
        Assert.True(introspected.GetProperty("active").GetBoolean(), introspected.ToString());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(CatalogueResource, ClaimTableTests.Payload(jwt).GetProperty("aud").GetString());
        Assert.Equal("jwt", Details(Assert.Single(await fixture.AuditAsync(clientId), e => e.Action == AuditActions.ClientUpdated))["access_token_format"]);
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient api, string clientId, string etag, object patch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/clients/{clientId}") { Content = JsonContent.Create(patch) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return api.SendAsync(request);
    }
}
