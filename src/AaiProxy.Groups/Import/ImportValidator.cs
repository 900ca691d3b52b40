using System.Globalization;
using System.Text.RegularExpressions;

namespace AaiProxy.Groups.Import;

public enum PersonReferenceKind { Email, CommunityId, FacilityUserId }

/// <summary>How an import names a person. E-mail addresses are compared lower-cased.</summary>
public sealed record PersonReference(PersonReferenceKind Kind, string Value)
{
    /// <summary>The import field that names a person this way.</summary>
    public string Field => Kind switch
    {
        PersonReferenceKind.Email => "email",
        PersonReferenceKind.CommunityId => "community_id",
        _ => "facility_user_id",
    };
}

public sealed record ValidatedPerson(PersonReference Reference, RoleSet Roles, ImportLocation Location);

/// <summary>A proposal whose fields passed every check; people are still to be resolved.</summary>
public sealed record ValidatedProposal(
    ProposalKey Key, string Title, IReadOnlyList<BeamtimeSession> Sessions, DateTimeOffset? EmbargoEnd,
    IReadOnlyList<ValidatedPerson> Team, ImportLocation Location);

/// <summary>The checks both import formats share: one place for each rule.</summary>
public static partial class ImportValidator
{
    public static IReadOnlyList<ValidatedProposal> Validate(
        ImportDocument document, FacilityCatalog facilities, RoleCatalog roles, List<ImportProblem> problems)
    {
        var seen = new HashSet<ProposalKey>();
        var valid = new List<ValidatedProposal>();
        foreach (var proposal in document.Proposals)
        {
            var before = problems.Count;
            var result = Validate(proposal, facilities, roles, problems);
            if (result is not null && !seen.Add(result.Key))
                problems.Add(proposal.Location.Problem("id", ImportProblemCodes.DuplicateProposal, $"Proposal {result.Key} appears more than once in this import."));
            else if (result is not null && problems.Count == before)
                valid.Add(result);
        }
        return valid;
    }

    private static ValidatedProposal? Validate(ImportedProposal proposal, FacilityCatalog facilities, RoleCatalog roles, List<ImportProblem> problems)
    {
        var at = proposal.Location;
        var code = Required(proposal.Facility, "facility", at, problems);
        var facility = code is null ? null : facilities.Find(code);
        if (code is not null && facility is null)
            problems.Add(at.Problem("facility", ImportProblemCodes.UnknownFacility, $"No facility {ImportProblem.Quote(code)} is configured."));
        var id = Required(proposal.Id, "id", at, problems);
        if (facility is not null && id is not null && !facility.IsValidProposalId(id))
            problems.Add(at.Problem("id", ImportProblemCodes.InvalidProposalId, $"{ImportProblem.Quote(id)} is not a {facility.Code} proposal id ({facility.ProposalIdFormat})."));
        var title = Required(proposal.Title, "title", at, problems);
        var embargoEnd = proposal.EmbargoEnd is null ? null : Instant(proposal.EmbargoEnd, "embargo_end", at, problems);
        var sessions = proposal.Sessions.Select(session => Session(session, problems)).ToList();
        var team = proposal.Team.Select(person => Person(person, roles, problems)).ToList();
        return facility is null || id is null || title is null
            ? null
            : new ValidatedProposal(new ProposalKey(facility.Code, id), title, [.. sessions.OfType<BeamtimeSession>()],
                embargoEnd, [.. team.OfType<ValidatedPerson>()], at);
    }

    private static BeamtimeSession? Session(ImportedSession session, List<ImportProblem> problems)
    {
        var at = session.Location;
        var instrument = Required(session.Instrument, "instrument", at, problems);
        var start = Required(session.Start, "start", at, problems) is { } s ? Instant(s, "start", at, problems) : null;
        var end = Required(session.End, "end", at, problems) is { } e ? Instant(e, "end", at, problems) : null;
        if (start is not null && end is not null && end <= start)
            problems.Add(at.Problem("end", ImportProblemCodes.SessionEndsBeforeStart, $"The session ends ({session.End}) before it starts ({session.Start})."));
        return instrument is null || start is null || end is null || end <= start ? null : new BeamtimeSession(instrument, start.Value, end.Value);
    }

    private static ValidatedPerson? Person(ImportedPerson person, RoleCatalog roles, List<ImportProblem> problems)
    {
        var at = person.Location;
        var references = new[]
            {
                (Kind: PersonReferenceKind.Email, Value: person.Email?.ToLowerInvariant()),
                (Kind: PersonReferenceKind.CommunityId, Value: person.CommunityId),
                (Kind: PersonReferenceKind.FacilityUserId, Value: person.FacilityUserId),
            }
            .Where(named => named.Value is not null)
            .Select(named => new PersonReference(named.Kind, named.Value!))
            .ToArray();
        var before = problems.Count;
        if (references.Length != 1)
            problems.Add(at.Problem("email", ImportProblemCodes.PersonIdentifier, "A team member is named by exactly one of email, community_id, facility_user_id."));
        else if (references[0].Value.Length > ImportLimits.MaxTextLength)
            problems.Add(at.Problem(references[0].Field, ImportProblemCodes.TooLong, $"'{references[0].Field}' is longer than {ImportLimits.MaxTextLength} characters."));
        else if (references[0].Kind == PersonReferenceKind.Email && !EmailSyntax().IsMatch(references[0].Value))
            problems.Add(at.Problem("email", ImportProblemCodes.PersonIdentifier, $"{ImportProblem.Quote(person.Email)} is not an e-mail address."));
        foreach (var role in person.Roles)
        {
            if (!RoleSet.IsValidName(role))
                problems.Add(at.Problem("roles", ImportProblemCodes.InvalidRole, $"{ImportProblem.Quote(role)} is not a role name (lower-case letters, digits, '-')."));
            else if (!roles.IsKnown(role))
                problems.Add(at.Problem("roles", ImportProblemCodes.UnknownRole, $"The role {ImportProblem.Quote(role)} is not configured."));
        }
        return problems.Count == before ? new ValidatedPerson(references[0], RoleSet.Of(person.Roles), at) : null;
    }

    private static string? Required(string? value, string field, ImportLocation at, List<ImportProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
            problems.Add(at.Problem(field, ImportProblemCodes.Missing, $"'{field}' is required."));
        else if (value.Length > ImportLimits.MaxTextLength)
            problems.Add(at.Problem(field, ImportProblemCodes.TooLong, $"'{field}' is longer than {ImportLimits.MaxTextLength} characters."));
        else
            return value;
        return null;
    }

    /// <summary>RFC 3339 date-time with an explicit offset, or a full date (midnight UTC).</summary>
    private static DateTimeOffset? Instant(string text, string field, ImportLocation at, List<ImportProblem> problems)
    {
        if (InstantSyntax().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return instant;
        problems.Add(at.Problem(field, ImportProblemCodes.InvalidDate, $"{ImportProblem.Quote(text)} is not an RFC 3339 date-time with offset (2024-03-01T08:00:00Z) or a date (2024-03-01)."));
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2}))?$")]
    private static partial Regex InstantSyntax();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailSyntax();
}
