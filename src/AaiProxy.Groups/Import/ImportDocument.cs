namespace AaiProxy.Groups.Import;

/// <summary>
/// One thing wrong with an import, shaped for an RFC 7807 problem's <c>errors</c> member: where
/// (<paramref name="Line"/> for CSV; <paramref name="Field"/> a CSV column or a JSON Pointer,
/// RFC 6901), a stable <paramref name="Code"/> (<see cref="ImportProblemCodes"/>) and a message.
/// </summary>
public sealed record ImportProblem(int? Line, string Field, string Code, string Message)
{
    private const int QuotedLength = 64;

    /// <summary>Quotes an imported value for a message, cut to 64 characters: a problem never echoes a whole field back.</summary>
    public static string Quote(string? value) =>
        value is null ? "''" : value.Length <= QuotedLength ? $"'{value}'" : $"'{value[..QuotedLength]}…'";
}

public static class ImportProblemCodes
{
    public const string Malformed = "malformed";
    public const string UnknownField = "unknown_field";
    public const string InvalidType = "invalid_type";
    public const string Missing = "missing";
    public const string Inconsistent = "inconsistent";
    public const string UnknownFacility = "unknown_facility";
    public const string InvalidProposalId = "invalid_proposal_id";
    public const string DuplicateProposal = "duplicate_proposal";
    public const string InvalidDate = "invalid_date";
    public const string SessionEndsBeforeStart = "session_ends_before_start";
    public const string InvalidRole = "invalid_role";
    public const string UnknownRole = "unknown_role";
    public const string PersonIdentifier = "person_identifier";
    public const string UnknownPerson = "unknown_person";
    public const string AmbiguousPerson = "ambiguous_person";
    public const string EmbargoShortened = "embargo_shortened";
    public const string TooLarge = "too_large";
    public const string TooLong = "too_long";
}

/// <summary>
/// Where an imported element came from. JSON: a JSON Pointer, fields appended as segments. CSV: a
/// line, fields named by their column (<paramref name="Columns"/> maps a field to its column).
/// </summary>
public sealed record ImportLocation(int? Line, string Pointer, IReadOnlyDictionary<string, string>? Columns = null)
{
    public ImportProblem Problem(string field, string code, string message) =>
        new(Line, Columns is null ? $"{Pointer}/{EscapePointerToken(field)}" : Columns.GetValueOrDefault(field, field), code, message);

    /// <summary>RFC 6901 §3: '~' is written "~0" and '/' "~1" inside a reference token.</summary>
    private static string EscapePointerToken(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public ImportLocation Item(string member, int index) => this with { Pointer = $"{Pointer}/{member}/{index}" };
}

/// <summary>A team entry as read: exactly one identifier must be set (checked by <see cref="ImportValidator"/>).</summary>
public sealed record ImportedPerson(
    string? Email, string? CommunityId, string? FacilityUserId, IReadOnlyList<string> Roles, ImportLocation Location);

public sealed record ImportedSession(string? Instrument, string? Start, string? End, ImportLocation Location);

/// <summary>A proposal as read from JSON or CSV: raw text, validated in one place for both formats.</summary>
public sealed record ImportedProposal(
    string? Facility, string? Id, string? Title, string? EmbargoEnd,
    IReadOnlyList<ImportedSession> Sessions, IReadOnlyList<ImportedPerson> Team, ImportLocation Location);

/// <summary>What a reader produced: the proposals it could read and the problems it met.</summary>
public sealed record ImportDocument(IReadOnlyList<ImportedProposal> Proposals, IReadOnlyList<ImportProblem> Problems);

/// <summary>Limits every reader applies; the API bounds the request body besides.</summary>
public static class ImportLimits
{
    public const int MaxProposals = 20_000;

    /// <summary>The longest title, instrument name or person identifier accepted.</summary>
    public const int MaxTextLength = 1_000;
}
