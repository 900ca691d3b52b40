using AaiProxy.Groups;

namespace AaiProxy.Server.Gate;

/// <summary>Who asks, as far as the bearer token says.</summary>
public abstract record GateCaller
{
    private GateCaller() { }

    /// <summary>No <c>Authorization</c> header, and no gate cookie with a valid token.</summary>
    public sealed record Anonymous : GateCaller;

    /// <summary>A token was given and refused (signature, issuer, lifetime, audience, type); the reason is for the log only.</summary>
    public sealed record InvalidToken(string Reason) : GateCaller;

    /// <summary>A valid token for the gate, of the person with this community account id (<c>sub</c>).</summary>
    public sealed record Person(string AccountId) : GateCaller;
}

/// <summary>What the store says about one person and one proposal (cached briefly: <see cref="GateOptions.DecisionCacheDuration"/>).</summary>
/// <param name="IsTeamMember">The person holds an effective membership of the proposal's team group.</param>
/// <param name="EmbargoEnd">The proposal's embargo end (<see cref="ProposalEmbargo.End"/>); null while none is known or the proposal does not exist.</param>
public sealed record ProposalAccessFacts(bool IsTeamMember, DateTimeOffset? EmbargoEnd)
{
    public static ProposalAccessFacts Unknown { get; } = new(false, null);

    /// <summary>Open data from the embargo end on (exclusive before it), as <see cref="ProposalEmbargo.StateAt"/> decides.</summary>
    public bool IsOpenAt(DateTimeOffset now) => EmbargoEnd is { } end && now >= end;
}

public enum GateVerdict
{
    /// <summary>200: serve the file.</summary>
    Allow,
    /// <summary>401 with <c>WWW-Authenticate: Bearer</c>: no valid token (RFC 6750 §3).</summary>
    Unauthorized,
    /// <summary>403: the token is valid, or the path is no proposal's, and access is not granted.</summary>
    Forbidden,
}

/// <param name="BearerError">RFC 6750 §3.1 error code for the challenge (<c>invalid_token</c>); null when no token was given.</param>
/// <param name="Reason">Why, for the log and the access log.</param>
public sealed record GateOutcome(GateVerdict Verdict, string Reason, string? BearerError = null);

/// <summary>
/// The gate's decision for one request, given the proposal the path names (<see cref="GatePathRules"/>), the caller and
/// what the store knows: allowed when the caller is on the proposal's team or the proposal's embargo has ended (open
/// data, also without a token when <paramref name="anonymousOpenData"/>); a missing or invalid token is 401, anything
/// else 403.
/// </summary>
public static class GateDecision
{
    public static GateOutcome Decide(ProposalKey? proposal, GateCaller caller, ProposalAccessFacts facts, bool anonymousOpenData, DateTimeOffset now)
    {
        if (proposal is null)
            return new GateOutcome(GateVerdict.Forbidden, "the path names no proposal under the gate's path rules");

        // RFC 6750 §3.1: a token was presented and is not acceptable; the client should get a new one.
        if (caller is GateCaller.InvalidToken invalid)
            return new GateOutcome(GateVerdict.Unauthorized, $"invalid token: {invalid.Reason}", "invalid_token");

        var open = facts.IsOpenAt(now);
        return caller switch
        {
            GateCaller.Anonymous when open && anonymousOpenData => new GateOutcome(GateVerdict.Allow, "open data, anonymous access allowed"),
            GateCaller.Anonymous => new GateOutcome(GateVerdict.Unauthorized, "no bearer token and no valid gate cookie"),
            GateCaller.Person when facts.IsTeamMember => new GateOutcome(GateVerdict.Allow, "member of the proposal's team"),
            GateCaller.Person when open => new GateOutcome(GateVerdict.Allow, "open data (embargo ended)"),
            _ => new GateOutcome(GateVerdict.Forbidden, "not on the proposal's team and the proposal is under embargo"),
        };
    }
}
