using System.Text;

namespace AaiProxy.Groups.Import;

/// <summary>
/// Reads RFC 4180 CSV with a header row, one team member and/or one session per row, rows of one
/// proposal grouped by (<c>facility</c>, <c>proposal_id</c>) in first-seen order. Columns:
/// <c>facility, proposal_id, title, embargo_end, instrument, session_start, session_end, email,
/// community_id, facility_user_id, roles</c> (roles separated by ';'); only the first two are
/// required, an unknown column is a problem. A proposal's title and embargo end may be repeated on
/// every row but must not differ.
/// </summary>
public static class CsvProposalReader
{
    private static readonly string[] KnownColumns =
        ["facility", "proposal_id", "title", "embargo_end", "instrument", "session_start", "session_end",
         "email", "community_id", "facility_user_id", "roles"];

    private static readonly Dictionary<string, string> ProposalColumns = new() { ["id"] = "proposal_id" };
    private static readonly Dictionary<string, string> SessionColumns = new() { ["start"] = "session_start", ["end"] = "session_end" };
    private static readonly Dictionary<string, string> PersonColumns = [];

    /// <summary>Reads the text; a leading byte-order mark (spreadsheets write one) is skipped.</summary>
    public static ImportDocument Read(string csv)
    {
        var problems = new List<ImportProblem>();
        var records = CsvRecords.Parse(csv.TrimStart('\uFEFF'), problems);
        if (problems.Count > 0) return new ImportDocument([], problems);
        if (records.Count == 0)
            return new ImportDocument([], [new ImportProblem(1, "", ImportProblemCodes.Missing, "The header row is missing.")]);

        var header = records[0].Fields;
        foreach (var unknown in header.Where(name => !KnownColumns.Contains(name)))
            problems.Add(new ImportProblem(1, unknown, ImportProblemCodes.UnknownField, $"Unknown column {ImportProblem.Quote(unknown)}; expected {string.Join(", ", KnownColumns)}."));
        foreach (var required in new[] { "facility", "proposal_id" }.Where(name => !header.Contains(name)))
            problems.Add(new ImportProblem(1, required, ImportProblemCodes.Missing, $"The column '{required}' is required."));
        if (problems.Count > 0) return new ImportDocument([], problems);

        var builders = new Dictionary<(string, string), ProposalRows>();
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != header.Count)
            {
                problems.Add(new ImportProblem(record.Line, "", ImportProblemCodes.Malformed, $"The row has {record.Fields.Count} fields; the header has {header.Count}."));
                continue;
            }
            var row = header.Zip(record.Fields).ToDictionary(p => p.First, p => p.Second.Length == 0 ? null : p.Second, StringComparer.Ordinal);
            var key = (row["facility"] ?? "", row["proposal_id"] ?? "");
            if (!builders.TryGetValue(key, out var rows))
            {
                if (builders.Count == ImportLimits.MaxProposals)
                    return new ImportDocument([], [new ImportProblem(record.Line, "proposal_id", ImportProblemCodes.TooLarge, $"At most {ImportLimits.MaxProposals} proposals per import.")]);
                builders[key] = rows = new ProposalRows(new ImportLocation(record.Line, "", ProposalColumns), row["facility"], row["proposal_id"]);
            }
            rows.Add(row, record.Line, problems);
        }
        return new ImportDocument([.. builders.Values.Select(rows => rows.Build())], problems);
    }

    private sealed class ProposalRows(ImportLocation location, string? facility, string? id)
    {
        private readonly List<ImportedSession> _sessions = [];
        private readonly List<ImportedPerson> _team = [];
        private string? _title;
        private string? _embargoEnd;

        public void Add(IReadOnlyDictionary<string, string?> row, int line, List<ImportProblem> problems)
        {
            var at = new ImportLocation(line, "", ProposalColumns);
            _title = Same(_title, row.GetValueOrDefault("title"), "title", at, problems);
            _embargoEnd = Same(_embargoEnd, row.GetValueOrDefault("embargo_end"), "embargo_end", at, problems);

            var session = new ImportedSession(row.GetValueOrDefault("instrument"), row.GetValueOrDefault("session_start"),
                row.GetValueOrDefault("session_end"), new ImportLocation(line, "", SessionColumns));
            if ((session.Instrument ?? session.Start ?? session.End) is not null
                && !_sessions.Any(s => (s.Instrument, s.Start, s.End) == (session.Instrument, session.Start, session.End)))
                _sessions.Add(session);

            var roles = row.GetValueOrDefault("roles")?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
            var person = new ImportedPerson(row.GetValueOrDefault("email"), row.GetValueOrDefault("community_id"),
                row.GetValueOrDefault("facility_user_id"), roles, new ImportLocation(line, "", PersonColumns));
            if ((person.Email ?? person.CommunityId ?? person.FacilityUserId) is not null || roles.Length > 0)
                _team.Add(person);
        }

        public ImportedProposal Build() => new(facility, id, _title, _embargoEnd, _sessions, _team, location);

        private static string? Same(string? kept, string? value, string field, ImportLocation at, List<ImportProblem> problems)
        {
            if (kept is null || value is null || kept == value) return kept ?? value;
            problems.Add(at.Problem(field, ImportProblemCodes.Inconsistent, $"{ImportProblem.Quote(value)} differs from {ImportProblem.Quote(kept)} on an earlier row of this proposal."));
            return kept;
        }
    }
}

/// <summary>An RFC 4180 record with the line it starts on (1-based).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

internal static class CsvRecords
{
    /// <summary>RFC 4180 §2: fields separated by ',', optionally quoted with '"', '""' inside quotes, CRLF or LF line ends; blank lines skipped.</summary>
    public static List<CsvRecord> Parse(string text, List<ImportProblem> problems)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString()); field.Clear();
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (quoted)
            problems.Add(new ImportProblem(recordLine, "", ImportProblemCodes.Malformed, "A quoted field is not closed."));
        EndRecord();
        return records;

        void EndRecord()
        {
            fields.Add(field.ToString()); field.Clear();
            if (fields.Count > 1 || fields[0].Length > 0)
                records.Add(new CsvRecord(recordLine, [.. fields.Select(f => f.Trim())]));
            fields.Clear();
        }
    }
}
