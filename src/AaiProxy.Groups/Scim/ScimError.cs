using System.Globalization;
using System.Text.Json.Nodes;

namespace AaiProxy.Groups.Scim;

/// <summary>RFC 7644 §3.12 <c>scimType</c> values this library produces.</summary>
public static class ScimErrorTypes
{
    public const string InvalidFilter = "invalidFilter";
    public const string InvalidPath = "invalidPath";
    public const string InvalidSyntax = "invalidSyntax";
    public const string InvalidValue = "invalidValue";
    public const string NoTarget = "noTarget";
}

/// <summary>An RFC 7644 §3.12 error response.</summary>
public sealed record ScimError(int Status, string? ScimType, string Detail)
{
    public const string Schema = "urn:ietf:params:scim:api:messages:2.0:Error";

    public static ScimError BadRequest(string scimType, string detail) => new(400, scimType, detail);

    /// <summary>The response body; <c>status</c> is a string, as in the RFC's examples.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["schemas"] = new JsonArray(Schema),
            ["status"] = Status.ToString(CultureInfo.InvariantCulture),
            ["detail"] = Detail,
        };
        if (ScimType is not null) json["scimType"] = ScimType;
        return json;
    }
}

/// <summary>A parse outcome: the value or the error to answer with.</summary>
public sealed record ScimResult<T>(T? Value, ScimError? Error) where T : class
{
    public static implicit operator ScimResult<T>(T value) => new(value, null);

    public static implicit operator ScimResult<T>(ScimError error) => new(null, error);
}
