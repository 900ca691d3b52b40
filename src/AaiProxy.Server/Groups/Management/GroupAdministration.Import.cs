using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Groups.Management;

namespace AaiProxy.Server.Groups.Management;

/// <summary>What an import changed; a second run of the same document reports everything unchanged.</summary>
public sealed record ImportSummary(int Created, int Updated, int Unchanged, int InvitationsRequested)
{
    public bool Changed => Created + Updated + InvitationsRequested > 0;
}

/// <summary>The idempotent bulk import of a facility's proposals.</summary>
public sealed partial class GroupAdministration
{
    /// <summary>
    /// Plans the document against the stored state (<see cref="ProposalImportPlanner"/>) and saves the
    /// plan in one transaction with its audit entries; people named by an e-mail address nobody has
    /// become invitation requests (mailed by the invitation sender). Any problem rejects the whole import.
    /// </summary>
    public async Task<Outcome<ImportSummary>> ImportAsync(
        ManagementActor actor, string facilityCode, ImportDocument document, CancellationToken cancellationToken)
    {
        if (facilities.Find(facilityCode) is not { } facility)
            return FacilityNotFound(facilityCode);
        if (!await IsFacilityAdminAsync(actor, facility, cancellationToken))
            return new Failure.Forbidden($"Only the admins and the user office of facility '{facility.Code}' import its proposals.");
        var elsewhere = document.Proposals
            .Where(p => p.Facility is not null && p.Facility != facility.Code)
            .Select(p => p.Location.Problem("facility", ImportProblemCodes.Inconsistent, $"This import is for facility '{facility.Code}', not {ImportProblem.Quote(p.Facility)}."))
            .ToList();
        if (elsewhere.Count > 0)
            return Invalid(elsewhere);

        var plan = ProposalImportPlanner.Plan(document, await proposals.LoadImportStateAsync(document.Proposals, cancellationToken), facilities, _roles);
        if (!plan.IsValid)
            return Invalid(plan.Problems);
        if (!plan.IsEmpty)
            await writer.SaveAsync(GroupChanges.Of(plan), actor.AuditName, cancellationToken);
        return new ImportSummary(plan.Creates.Count, plan.Updates.Count, plan.Unchanged, plan.Invitations.Count);
    }

    // An import problem's place: the CSV line, or the JSON Pointer of the field.
    private static Failure Invalid(IEnumerable<ImportProblem> problems) =>
        new Failure.Invalid([.. problems.Select(p => new ManagementProblem(p.Line is { } line ? $"line {line}: {p.Field}" : p.Field, p.Code, p.Message))]);
}
