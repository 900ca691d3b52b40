namespace AaiProxy.Server.Groups.Management;

/// <summary>
/// What a management command did: <see cref="Ok"/> with its result, or <see cref="Failed"/> with a
/// <see cref="Failure"/>. Every front (REST API, SCIM, admin pages) maps the same outcome to its own
/// answer (200 / 404 / 403 / 412 or 409 / 400).
/// </summary>
public abstract record Outcome<T>
{
    private Outcome()
    {
    }

    public sealed record Ok(T Value) : Outcome<T>;

    public sealed record Failed(Failure Failure) : Outcome<T>;

    public static implicit operator Outcome<T>(T value) => new Ok(value);

    public static implicit operator Outcome<T>(Failure failure) => new Failed(failure);
}

/// <summary>Why a command changed nothing.</summary>
public abstract record Failure(string Detail)
{
    /// <summary>The object named does not exist.</summary>
    public sealed record NotFound(string Detail) : Failure(Detail);

    /// <summary>The actor may not do this to that object.</summary>
    public sealed record Forbidden(string Detail) : Failure(Detail);

    /// <summary>
    /// The object is not in the state the command needs: <paramref name="PreconditionFailed"/> when the
    /// caller's version (an HTTP <c>If-Match</c>) is not the current one, otherwise a state conflict
    /// (already a member, a group with sub-groups, a proposal id taken).
    /// </summary>
    public sealed record Conflict(string Detail, bool PreconditionFailed) : Failure(Detail);

    /// <summary>The request itself is wrong; each problem names its field.</summary>
    public sealed record Invalid(IReadOnlyList<ManagementProblem> Problems)
        : Failure(string.Join(" ", Problems.Select(problem => problem.Message)));
}

/// <summary>One thing wrong with a request: the field (as the request names it), a stable code, a message for people.</summary>
public sealed record ManagementProblem(string Field, string Code, string Message);

/// <summary>Stable problem codes (fronts and clients match on them).</summary>
public static class ManagementProblemCodes
{
    public const string Required = "required";
    public const string InvalidName = "invalid_name";
    public const string TooLong = "too_long";
    public const string UnknownRole = "unknown_role";
    public const string UnknownPerson = "unknown_person";
    public const string AmbiguousPerson = "ambiguous_person";
    public const string InvalidDates = "invalid_dates";
    public const string InvalidProposalId = "invalid_proposal_id";
    public const string EmbargoShortened = "embargo_shortened";
    public const string FollowsSchedule = "follows_schedule";
}

/// <summary>An object with its current version (a strong HTTP ETag's value, <see cref="AaiProxy.Groups.GroupAudit.Version(AaiProxy.Groups.Group)"/>).</summary>
public sealed record Versioned<T>(T Value, string Version);

/// <summary>The result of a delete.</summary>
public sealed record Deleted(string Target);
