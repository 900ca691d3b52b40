using AaiProxy.Server.Logout;

namespace AaiProxy.Server.Tests.Logout;

/// <summary>Which clients hear of a sign-out (Back-Channel Logout 1.0 §2.7), from grants alone.</summary>
public sealed class LogoutRecipientsTests
{
    private static readonly Uri PortalLogout = new("https://portal.example.org/backchannel-logout");
    private static readonly Uri CatalogueLogout = new("https://catalogue.example.org/logout");

    private static readonly Dictionary<string, BackChannelEndpoint> Endpoints = new()
    {
        ["portal"] = new(PortalLogout, SessionRequired: false),
        ["catalogue"] = new(CatalogueLogout, SessionRequired: true),
    };

    [Fact]
    public void Only_the_clients_of_the_ended_session_that_registered_an_endpoint_are_told()
    {
        SessionGrant[] grants =
        [
            new("portal", "sub-1", "session-a"),
            new("catalogue", "pairwise-1", "session-a"),
            new("no-endpoint", "sub-1", "session-a"),
            new("portal", "sub-1", "session-b"),
        ];

        var notices = LogoutRecipients.For(grants, Endpoints, endedSession: "session-a");

        Assert.Equal(
            [new LogoutNotice("portal", PortalLogout, "sub-1", "session-a"), new LogoutNotice("catalogue", CatalogueLogout, "pairwise-1", "session-a")],
            notices);
    }

    [Fact]
    public void A_client_with_several_grants_in_one_session_is_told_once()
    {
        SessionGrant[] grants = [new("portal", "sub-1", "session-a"), new("portal", "sub-1", "session-a")];

        Assert.Single(LogoutRecipients.For(grants, Endpoints, endedSession: "session-a"));
    }

    [Fact]
    public void Signing_out_the_whole_account_tells_each_client_of_each_session_including_grants_without_a_session()
    {
        SessionGrant[] grants =
        [
            new("portal", "sub-1", "session-a"),
            new("portal", "sub-1", "session-b"),
            new("portal", "sub-1", null),
        ];

        var notices = LogoutRecipients.For(grants, Endpoints, endedSession: null);

        Assert.Equal(["session-a", "session-b", null], notices.Select(notice => notice.SessionId));
    }

    [Fact]
    public void A_client_that_requires_sid_is_not_told_of_a_grant_that_names_no_session()
    {
        SessionGrant[] grants = [new("catalogue", "pairwise-1", null)];

        Assert.Empty(LogoutRecipients.For(grants, Endpoints, endedSession: null));
    }

    [Fact]
    public void Front_channel_logout_loads_each_client_of_the_ended_session_once_with_iss_and_sid()
    {
        SessionGrant[] grants =
        [
            new("wiki", "sub-1", "session-a"),
            new("wiki", "sub-1", "session-a"),
            new("wiki", "sub-1", "session-b"),
            new("other", "sub-1", "session-a"),
        ];
        var endpoints = new Dictionary<string, Uri> { ["wiki"] = new("https://wiki.example.org/logout?lang=en") };

        var frames = LogoutRecipients.FrontChannel(grants, endpoints, "https://aai.example.org/", "session-a");

        Assert.Equal([new Uri("https://wiki.example.org/logout?lang=en&iss=https%3A%2F%2Faai.example.org%2F&sid=session-a")], frames);
    }

    [Fact]
    public void A_grant_without_a_session_is_not_part_of_an_ended_session()
    {
        SessionGrant[] grants = [new("portal", "sub-1", null)];

        Assert.Empty(LogoutRecipients.For(grants, Endpoints, endedSession: "session-a"));
    }
}
