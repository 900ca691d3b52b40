using System.Text.RegularExpressions;

namespace AaiProxy.Groups.Tests;

/// <summary>Facilities with the three proposal-id formats the issue names, and the proxy's entitlement options.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly GroupPath Community = GroupPath.Of("pan");

    /// <summary>Eight-digit ids (<c>20240123</c>), three years' embargo, two weeks' lead time.</summary>
    public static readonly Facility Ess = new("ess", Community.Child("ess"), 36, TimeSpan.FromDays(14), new Regex(@"^\d{8}$"));

    /// <summary>ILL-style ids (<c>8-01-418</c>), five years' embargo.</summary>
    public static readonly Facility Ill = new("ill", Community.Child("ill"), 60, TimeSpan.FromDays(7), new Regex(@"^\d-\d{2}-\d{3}$"));

    /// <summary>Prefixed ids (<c>MX-2345</c>).</summary>
    public static readonly Facility Diamond = new("diamond", Community.Child("diamond"), 36, TimeSpan.FromDays(3), new Regex(@"^MX-\d{4}$"));

    public static readonly FacilityCatalog Facilities = new([Ess, Ill, Diamond]);

    public static EntitlementOptions Entitlements(bool authority = true) => new()
    {
        Namespace = "urn:geant:pan-aai.eu",
        Authority = "proxy.pan-aai.eu",
        IncludeAuthority = authority,
    };

    public static BeamtimeSession Session(string instrument, DateTimeOffset start, int days) =>
        new(instrument, start, start.AddDays(days));

    public static Proposal Proposal(string id, params TeamMember[] team) =>
        Groups.Proposal.Create("ess", id, $"Proposal {id}", team,
            [Session("LOKI", new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero), 3)]);

    public static Membership Active(string groupId, string accountId, params string[] roles) =>
        new(groupId, accountId, RoleSet.Of(roles), null, null, MembershipStatus.Active);
}
