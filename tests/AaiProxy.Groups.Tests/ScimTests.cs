using System.Text;
using AaiProxy.Groups.Scim;

namespace AaiProxy.Groups.Tests;

public class ScimFilterParserTests
{
    private static readonly string[] UserAttributes = ["userName", "externalId", "emails.value"];

    // RFC 7644 §3.4.2.2: filter=userName eq "bjensen"
    [Fact]
    public void Parses_the_RFC_7644_userName_eq_example()
    {
        var filter = ScimFilterParser.Parse("userName eq \"bjensen\"", UserAttributes).Value!;

        var comparison = Assert.Single(filter.Comparisons);
        Assert.Equal(new ScimComparison(new ScimAttributePath(null, "userName", null), "bjensen"), comparison);
    }

    // RFC 7644 §3.10: attribute names may carry their schema URN; RFC 7643 §2.1: names are case-insensitive.
    [Fact]
    public void Parses_a_schema_qualified_attribute_and_case_insensitive_names_and_operators()
    {
        var filter = ScimFilterParser.Parse("urn:ietf:params:scim:schemas:core:2.0:User:USERNAME EQ \"bjensen\"", UserAttributes).Value!;

        var path = filter.Comparisons.Single().Path;
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", path.Schema);
        Assert.True(path.Is("userName"));
    }

    [Fact]
    public void Joins_equality_comparisons_with_and_and_unescapes_json_strings()
    {
        var filter = ScimFilterParser.Parse("userName eq \"b \\\"j\\\" jensen\" and emails.value eq \"bjensen@example.com\"", UserAttributes).Value!;

        Assert.Equal(["b \"j\" jensen", "bjensen@example.com"], filter.Comparisons.Select(c => c.Value));
        Assert.Equal("emails.value", filter.Comparisons[1].Path.Name);
    }

    [Fact]
    public void Keeps_true_false_null_and_numbers_as_comparison_values()
    {
        var filter = ScimFilterParser.Parse("externalId eq null and userName eq 42", UserAttributes).Value!;

        Assert.Equal([null, "42"], filter.Comparisons.Select(c => c.Value));
    }

    // RFC 7644 §3.4.2.2 examples that use what this proxy does not support; §3.12 invalidFilter.
    [Theory]
    [InlineData("name.familyName co \"O'Malley\"")]
    [InlineData("userName sw \"J\"")]
    [InlineData("title pr")]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"")]
    [InlineData("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")")]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"]")]
    [InlineData("userName eq \"a\" or userName eq \"b\"")]
    [InlineData("userName eq bjensen")]
    [InlineData("userName eq \"unclosed")]
    [InlineData("userName eq \"a\" and")]
    [InlineData("displayName eq \"Babs\"")]
    [InlineData("")]
    public void Refuses_what_it_does_not_support_with_invalidFilter(string filter)
    {
        var error = ScimFilterParser.Parse(filter, UserAttributes).Error!;

        Assert.Equal((400, ScimErrorTypes.InvalidFilter), (error.Status, error.ScimType));
    }

    // RFC 7644 §3.12: the error response schema, status as a string, scimType, detail.
    [Fact]
    public void Writes_the_RFC_7644_error_response()
    {
        var json = ScimFilterParser.Parse("userName sw \"J\"", UserAttributes).Error!.ToJson().ToJsonString();

        Assert.Equal(
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"The operator \u0027sw\u0027 is not supported; only \u0027eq\u0027 is.","scimType":"invalidFilter"}""",
            json);
    }
}

public class ScimGroupPatchParserTests
{
    private const string Babs = "2819c223-7f76-453a-919d-413861904646";
    private const string James = "08e1d05d-121c-4561-8b96-473d93df9210";
    private const string Other = "9067729b-7a5b-4c4e-9b3c-6b7a9f8e1d2c";

    private static readonly IEqualityComparer<MemberOperation> MemberOperationComparer = EqualityComparer<MemberOperation>.Create(
        (a, b) => a!.Kind == b!.Kind && a.MemberIds.SequenceEqual(b.MemberIds), o => o.Kind.GetHashCode());

    private static ScimResult<ScimGroupPatch> Parse(string json) => ScimGroupPatchParser.Parse(Encoding.UTF8.GetBytes(json));

    // RFC 7644 §3.5.2.1, "add a member to a group".
    [Fact]
    public void Parses_the_RFC_7644_add_member_example()
    {
        var patch = Parse($$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations":[
                { "op":"add",
                  "path":"members",
                  "value":[{ "display": "Babs Jensen", "$ref": "https://example.com/v2/Users/{{Babs}}", "value": "{{Babs}}" }] } ] }
            """).Value!;

        Assert.Equal(MemberOperationKind.Add, patch.Operations.Single().Kind);
        Assert.Equal([Babs], patch.Operations[0].MemberIds);
        Assert.Equal([James, Babs], patch.ApplyTo([James]).Order());
    }

    // RFC 7644 §3.5.2.2, "remove a single member from a group".
    [Fact]
    public void Parses_the_RFC_7644_remove_one_member_example()
    {
        var patch = Parse($$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations":[{ "op":"remove", "path":"members[value eq \"{{Babs}}\"]" }] }
            """).Value!;

        Assert.Equal(new MemberOperation(MemberOperationKind.Remove, [Babs]), patch.Operations.Single(), MemberOperationComparer);
        Assert.Equal([James], patch.ApplyTo([Babs, James]));
    }

    // RFC 7644 §3.5.2.2, "remove all members of a group".
    [Fact]
    public void Parses_the_RFC_7644_remove_all_members_example()
    {
        var patch = Parse("""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations":[{ "op":"remove", "path":"members" }] }
            """).Value!;

        Assert.Equal(MemberOperationKind.RemoveAll, patch.Operations.Single().Kind);
        Assert.Empty(patch.ApplyTo([Babs, James]));
    }

    // RFC 7644 §3.5.2.2, "replace all of the members of a group with a different members list" (remove then add;
    // note the RFC's own 'eq\"' without a space).
    [Fact]
    public void Parses_the_RFC_7644_remove_then_add_example_in_order()
    {
        var patch = Parse($$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [
                { "op":"remove", "path":"members[value eq\"{{Babs}}\"]" },
                { "op":"add", "path":"members",
                  "value": [{ "display": "James Smith", "$ref": "https://example.com/v2/Users/{{James}}", "value": "{{James}}" }] } ] }
            """).Value!;

        Assert.Equal([MemberOperationKind.Remove, MemberOperationKind.Add], patch.Operations.Select(o => o.Kind));
        Assert.Equal([James], patch.ApplyTo([Babs]));
    }

    // RFC 7644 §3.5.2.3, "replace all of the members of a group".
    [Fact]
    public void Parses_the_RFC_7644_replace_members_example()
    {
        var patch = Parse($$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op":"replace", "path":"members",
                "value":[{ "display": "Babs Jensen", "value": "{{Babs}}" }, { "display": "James Smith", "value": "{{Other}}" }] }] }
            """).Value!;

        Assert.Equal([Babs, Other], patch.ApplyTo([James]).Order());
    }

    [Fact]
    public void Accepts_add_without_path_and_capitalised_ops_as_provisioning_tools_send_them()
    {
        var patch = Parse($$"""
            { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              "Operations": [{ "op":"Add", "value": { "members": [{ "value": "{{Babs}}" }] } },
                             { "op":"Remove", "path":"members", "value": [{ "value": "{{James}}" }] }] }
            """).Value!;

        Assert.Equal([Babs], patch.ApplyTo([James]));
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}""", ScimErrorTypes.NoTarget)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x"}]}""", ScimErrorTypes.InvalidPath)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[display eq \"Babs\"]"}]}""", ScimErrorTypes.InvalidPath)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"display":"no value"}]}]}""", ScimErrorTypes.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members"}]}""", ScimErrorTypes.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"members"}]}""", ScimErrorTypes.InvalidSyntax)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}""", ScimErrorTypes.InvalidSyntax)]
    [InlineData("""{"Operations":[{"op":"remove","path":"members"}]}""", ScimErrorTypes.InvalidSyntax)]
    [InlineData("""{"schemas":[""", ScimErrorTypes.InvalidSyntax)]
    public void Refuses_a_patch_it_cannot_apply_with_the_RFC_7644_error_type(string json, string scimType)
    {
        var error = Parse(json).Error!;

        Assert.Equal((400, scimType), (error.Status, error.ScimType));
    }
}
