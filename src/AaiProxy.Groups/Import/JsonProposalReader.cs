using System.Text.Json;

namespace AaiProxy.Groups.Import;

/// <summary>
/// Reads <c>{"proposals":[{"facility","id","title","embargo_end"?,"sessions":[{"instrument","start","end"}],
/// "team":[{"email"|"community_id"|"facility_user_id","roles":[…]}]}]}</c>. Strict: an unknown member
/// is a problem (a misspelt <c>roles</c> must not silently drop a role), so is a wrong JSON type.
/// </summary>
public static class JsonProposalReader
{
    private static readonly string[] ProposalMembers = ["facility", "id", "title", "embargo_end", "sessions", "team"];
    private static readonly string[] SessionMembers = ["instrument", "start", "end"];
    private static readonly string[] PersonMembers = ["email", "community_id", "facility_user_id", "roles"];

    public static ImportDocument Read(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            return new ImportDocument([], [new ImportProblem((int?)e.LineNumber + 1, "", ImportProblemCodes.Malformed,
                $"The body is not well-formed JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).")]);
        }

        using (document)
        {
            var problems = new List<ImportProblem>();
            var root = new ImportLocation(null, "");
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("proposals", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return new ImportDocument([], [root.Problem("proposals", ImportProblemCodes.Missing, "The body is an object with a 'proposals' array.")]);
            }
            if (list.GetArrayLength() > ImportLimits.MaxProposals)
                return new ImportDocument([], [root.Problem("proposals", ImportProblemCodes.TooLarge, $"At most {ImportLimits.MaxProposals} proposals per import.")]);
            var proposals = list.EnumerateArray()
                .Select((element, i) => ReadProposal(element, root.Item("proposals", i), problems))
                .OfType<ImportedProposal>()
                .ToList();
            return new ImportDocument(proposals, problems);
        }
    }

    private static ImportedProposal? ReadProposal(JsonElement element, ImportLocation location, List<ImportProblem> problems)
    {
        if (!IsObject(element, location, ProposalMembers, problems)) return null;
        return new ImportedProposal(
            String(element, "facility", location, problems),
            String(element, "id", location, problems),
            String(element, "title", location, problems),
            String(element, "embargo_end", location, problems),
            Items(element, "sessions", location, problems, (item, at) =>
                IsObject(item, at, SessionMembers, problems)
                    ? new ImportedSession(String(item, "instrument", at, problems), String(item, "start", at, problems), String(item, "end", at, problems), at)
                    : null),
            Items(element, "team", location, problems, (item, at) =>
                IsObject(item, at, PersonMembers, problems)
                    ? new ImportedPerson(
                        String(item, "email", at, problems), String(item, "community_id", at, problems),
                        String(item, "facility_user_id", at, problems),
                        Items(item, "roles", at, problems, (role, roleAt) => StringValue(role, roleAt, problems)), at)
                    : null),
            location);
    }

    private static bool IsObject(JsonElement element, ImportLocation location, string[] members, List<ImportProblem> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ImportProblem(null, location.Pointer, ImportProblemCodes.InvalidType, "Expected an object."));
            return false;
        }
        foreach (var unknown in element.EnumerateObject().Where(p => !members.Contains(p.Name)))
            problems.Add(location.Problem(unknown.Name, ImportProblemCodes.UnknownField, $"Unknown member {ImportProblem.Quote(unknown.Name)}; expected {string.Join(", ", members)}."));
        return true;
    }

    private static string? String(JsonElement element, string name, ImportLocation location, List<ImportProblem> problems) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? StringValue(value, location with { Pointer = $"{location.Pointer}/{name}" }, problems)
            : null;

    private static string? StringValue(JsonElement value, ImportLocation location, List<ImportProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        problems.Add(new ImportProblem(null, location.Pointer, ImportProblemCodes.InvalidType, "Expected a string."));
        return null;
    }

    private static IReadOnlyList<T> Items<T>(
        JsonElement element, string name, ImportLocation location, List<ImportProblem> problems,
        Func<JsonElement, ImportLocation, T?> read) where T : class
    {
        if (!element.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) return [];
        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add(location.Problem(name, ImportProblemCodes.InvalidType, "Expected an array."));
            return [];
        }
        return [.. array.EnumerateArray().Select((item, i) => read(item, location.Item(name, i))).OfType<T>()];
    }
}
