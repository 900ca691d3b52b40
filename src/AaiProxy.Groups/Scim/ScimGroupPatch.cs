using System.Text.Json;

namespace AaiProxy.Groups.Scim;

public enum MemberOperationKind { Add, Remove, RemoveAll, Replace }

/// <summary>One membership change from a PATCH: the SCIM ids (<c>members[].value</c>) it names.</summary>
public sealed record MemberOperation(MemberOperationKind Kind, IReadOnlyList<string> MemberIds);

/// <summary>A parsed PATCH of a Group's members, in request order.</summary>
public sealed record ScimGroupPatch(IReadOnlyList<MemberOperation> Operations)
{
    /// <summary>
    /// The member set after the operations, applied in order (RFC 7644 §3.5.2: "each operation
    /// against an attribute MUST be compatible with the attribute's mutability and schema"; adding
    /// a present member changes nothing, §3.5.2.1).
    /// </summary>
    public IReadOnlySet<string> ApplyTo(IEnumerable<string> currentMemberIds)
    {
        var members = new HashSet<string>(currentMemberIds, StringComparer.Ordinal);
        foreach (var operation in Operations)
        {
            switch (operation.Kind)
            {
                case MemberOperationKind.Add: members.UnionWith(operation.MemberIds); break;
                case MemberOperationKind.Remove: members.ExceptWith(operation.MemberIds); break;
                case MemberOperationKind.RemoveAll: members.Clear(); break;
                case MemberOperationKind.Replace: members = new HashSet<string>(operation.MemberIds, StringComparer.Ordinal); break;
            }
        }
        return members;
    }
}

/// <summary>
/// Parses RFC 7644 §3.5.2 PATCH requests that change a Group's <c>members</c>: add (with a path or
/// with the attribute in <c>value</c>, §3.5.2.1), remove by value filter or all (§3.5.2.2), replace
/// (§3.5.2.3). <c>op</c> is matched case-insensitively (provisioning tools send <c>Add</c>); a
/// remove may also list members in <c>value</c>, as Microsoft Entra ID sends it. Anything else is
/// refused with the §3.12 error type that names it.
/// </summary>
public static class ScimGroupPatchParser
{
    public const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    public static ScimResult<ScimGroupPatch> Parse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 8 });
            return Parse(document.RootElement);
        }
        catch (JsonException)
        {
            return Syntax("The body is not well-formed JSON.");
        }
    }

    private static ScimResult<ScimGroupPatch> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("schemas", out var schemas) || schemas.ValueKind != JsonValueKind.Array
            || !schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == PatchOpSchema))
            return Syntax($"A PATCH body names the schema '{PatchOpSchema}'.");
        if (!root.TryGetProperty("Operations", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return Syntax("A PATCH body has a non-empty 'Operations' array.");

        var operations = new List<MemberOperation>();
        foreach (var element in list.EnumerateArray())
        {
            var result = ParseOperation(element);
            if (result.Error is not null) return result.Error;
            operations.Add(result.Value!);
        }
        return new ScimGroupPatch(operations);
    }

    private static ScimResult<MemberOperation> ParseOperation(JsonElement operation)
    {
        if (operation.ValueKind != JsonValueKind.Object
            || !operation.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            return Syntax("Each operation is an object with an 'op'.");
        var op = opElement.GetString()!.ToLowerInvariant();
        var path = operation.TryGetProperty("path", out var pathElement) && pathElement.ValueKind == JsonValueKind.String
            ? pathElement.GetString()!
            : null;
        var hasValue = operation.TryGetProperty("value", out var value);

        return op switch
        {
            "add" or "replace" when path is null =>
                hasValue && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("members", out var members)
                    ? Members(op == "add" ? MemberOperationKind.Add : MemberOperationKind.Replace, members)
                    : Path("Only 'members' can be changed on a Group."),
            "add" or "replace" when IsMembers(path!) =>
                hasValue
                    ? Members(op == "add" ? MemberOperationKind.Add : MemberOperationKind.Replace, value)
                    : Value($"'{op}' needs a 'value'."),
            "remove" when path is null =>
                // §3.5.2.2: "If "path" is unspecified, the operation fails with HTTP status code 400 and a "scimType" error code of "noTarget"."
                ScimError.BadRequest(ScimErrorTypes.NoTarget, "'remove' needs a 'path'."),
            "remove" when IsMembers(path!) =>
                hasValue ? Members(MemberOperationKind.Remove, value) : new MemberOperation(MemberOperationKind.RemoveAll, []),
            "remove" => RemoveByFilter(path!),
            "add" or "replace" => Path($"Only 'members' can be changed on a Group, not '{path}'."),
            _ => Syntax($"'{opElement.GetString()}' is not a PATCH operation (add, remove, replace)."),
        };
    }

    private static bool IsMembers(string path) => path.Equals("members", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>members[value eq "id"]</c> (§3.5.2.2): the value filter, parsed by <see cref="ScimFilterParser"/>, may only test <c>value</c>.</summary>
    private static ScimResult<MemberOperation> RemoveByFilter(string path)
    {
        if (!path.StartsWith("members[", StringComparison.OrdinalIgnoreCase) || !path.EndsWith(']'))
            return Path($"Only 'members' can be changed on a Group, not '{path}'.");
        var filter = ScimFilterParser.Parse(path["members[".Length..^1], ["value"]);
        if (filter.Error is not null)
            return Path($"'{path}' does not select members by value: {filter.Error.Detail}");
        var ids = filter.Value!.Comparisons.Select(c => c.Value).Distinct().ToList();
        return ids is [{ } id]
            ? new MemberOperation(MemberOperationKind.Remove, [id])
            : Path($"'{path}' does not select one member by value.");
    }

    /// <summary>A <c>members</c> value: an array of objects with a string <c>value</c> (RFC 7643 §4.2).</summary>
    private static ScimResult<MemberOperation> Members(MemberOperationKind kind, JsonElement members)
    {
        if (members.ValueKind != JsonValueKind.Array)
            return Value("'members' is an array.");
        var ids = new List<string>();
        foreach (var member in members.EnumerateArray())
        {
            if (member.ValueKind != JsonValueKind.Object || !member.TryGetProperty("value", out var id)
                || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
                return Value("Each member is an object with a non-empty string 'value'.");
            ids.Add(id.GetString()!);
        }
        return new MemberOperation(kind, ids);
    }

    private static ScimError Syntax(string detail) => ScimError.BadRequest(ScimErrorTypes.InvalidSyntax, detail);

    private static ScimError Path(string detail) => ScimError.BadRequest(ScimErrorTypes.InvalidPath, detail);

    private static ScimError Value(string detail) => ScimError.BadRequest(ScimErrorTypes.InvalidValue, detail);
}
