using System.Net;
using System.Text;
using System.Text.Json;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Tests.Api;

namespace AaiProxy.Server.Tests.Scim;

/// <summary>SCIM 2.0 on the RFC 7644 examples, with the demo facility's user office as the provisioning client.</summary>
public sealed class ScimTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Scim = "application/scim+json";

    [Fact]
    public async Task Users_filtered_by_userName_eq_as_in_rfc7644_section_3_4_2_find_the_one_person()
    {
        var id = await fixture.PersonAsync("bjensen");
        var userName = (await fixture.WithAsync<IGroupDirectory, PersonSummary?>(d => d.FindPersonAsync(id, CancellationToken.None)))!.Username;
        using var scim = await ClientAsync();

        using var response = await scim.GetAsync($"/scim/v2/Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Scim, response.Content.Headers.ContentType?.MediaType);
        var list = await ApiFixture.JsonAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", list.GetProperty("schemas")[0].GetString());
        Assert.Equal(1, list.GetProperty("totalResults").GetInt32());
        var user = list.GetProperty("Resources")[0];
        Assert.Equal((id, userName), (user.GetProperty("id").GetString(), user.GetProperty("userName").GetString()));
    }

    [Fact]
    public async Task A_group_is_created_with_members_and_patched_to_add_and_remove_members_as_in_rfc7644_section_3_5_2()
    {
        var (babs, mandy) = (await fixture.PersonAsync("babs"), await fixture.PersonAsync("mandy"));
        using var scim = await ClientAsync();
        var name = $"Tour-Guides-{Guid.NewGuid():N}"[..24];

        using var created = await SendAsync(scim, HttpMethod.Post, "/scim/v2/Groups", $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"/pan/demo/{{name}}",
             "members":[{"value":"{{babs}}","display":"Babs Jensen"}]}
            """);
        var group = await ApiFixture.JsonAsync(created);
        var location = $"/scim/v2/Groups/{group.GetProperty("id").GetString()}";
        using var added = await SendAsync(scim, HttpMethod.Patch, location, $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"add","path":"members","value":[{"display":"Mandy Pepperidge","$ref":"https://example.com/v2/Users/{{mandy}}","value":"{{mandy}}"}]}]}
            """);
        var afterAdd = Members(await ApiFixture.JsonAsync(added));
        using var removed = await SendAsync(scim, HttpMethod.Patch, location, $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{babs}}\"]"}]}
            """);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(location, created.Headers.Location?.OriginalString);
        Assert.Equal([babs], Members(group));
        Assert.Equal(new[] { babs, mandy }.Order(StringComparer.Ordinal), afterAdd.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal([mandy], Members(await ApiFixture.JsonAsync(removed)));
        using var byName = await scim.GetAsync($"/scim/v2/Groups?filter={Uri.EscapeDataString($"displayName eq \"/pan/demo/{name}\"")}");
        Assert.Equal([mandy], Members((await ApiFixture.JsonAsync(byName)).GetProperty("Resources")[0]));
    }

    [Fact]
    public async Task Unsupported_filters_bad_patches_and_missing_tokens_answer_rfc7644_section_3_12_errors()
    {
        using var scim = await ClientAsync();
        var team = await fixture.TeamAsync("scim-errors");

        using var filter = await scim.GetAsync($"/scim/v2/Users?filter={Uri.EscapeDataString("userName co \"bjensen\"")}");
        using var patch = await SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Groups/{team.Id}",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"displayName","value":"x"}]}""");
        using var missing = await scim.GetAsync("/scim/v2/Groups/no-such-group");
        using var anonymous = await fixture.Factory.CreateClient().GetAsync("/scim/v2/Users");

        await AssertErrorAsync(filter, 400, "invalidFilter");
        await AssertErrorAsync(patch, 400, null);
        await AssertErrorAsync(missing, 404, null);
        await AssertErrorAsync(anonymous, 401, null);
    }

    [Fact]
    public async Task Service_provider_config_says_patch_and_filter_are_supported_and_bulk_is_not()
    {
        using var scim = await ClientAsync();

        var config = await ApiFixture.JsonAsync(await scim.GetAsync("/scim/v2/ServiceProviderConfig"));

        Assert.True(config.GetProperty("patch").GetProperty("supported").GetBoolean());
        Assert.True(config.GetProperty("filter").GetProperty("supported").GetBoolean());
        Assert.False(config.GetProperty("bulk").GetProperty("supported").GetBoolean());
        Assert.Equal("oauthbearertoken", config.GetProperty("authenticationSchemes")[0].GetProperty("type").GetString());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, string? scimType)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(Scim, response.Content.Headers.ContentType?.MediaType);
        var error = await ApiFixture.JsonAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", error.GetProperty("schemas")[0].GetString());
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("status").GetString());
        if (scimType is not null)
            Assert.Equal(scimType, error.GetProperty("scimType").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("detail").GetString()));
    }

    private static List<string> Members(JsonElement group) =>
        [.. group.GetProperty("members").EnumerateArray().Select(member => member.GetProperty("value").GetString()!)];

    private async Task<HttpClient> ClientAsync() => fixture.Api(await fixture.UserOfficeTokenAsync("scim"));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string json)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, Scim) };
        return await client.SendAsync(request);
    }
}
