using AaiProxy.Groups;
using AaiProxy.Server.Gate;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Server.Tests.Gate;

/// <summary>The gate's path rules, its decision and its cache bound, without a server.</summary>
public sealed class GateRulesAndDecisionTests
{
    private static readonly DateTimeOffset EmbargoEnd = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ProposalKey Proposal = new("demo", "DEMO-2021-042");
    private static readonly GatePathRules DefaultRules = Rules(new GateOptions().EffectivePathRules);

    private static GatePathRules Rules(IEnumerable<string> templates)
    {
        var rules = GatePathRules.Parse(templates, out var problems);
        Assert.Empty(problems);
        return rules;
    }

    [Theory]
    [InlineData("/data/demo/DEMO-2021-042/raw/scan_0001.h5")]
    [InlineData("/data/demo/DEMO-2021-042/")]
    [InlineData("/data/demo/DEMO-2021-042")]
    [InlineData("/data/demo/DEMO-2021-042/file.txt?download=1")]
    [InlineData("/data/demo/DEMO%2D2021%2D042/file.txt")]
    public void Default_rule_maps_the_path_to_its_proposal(string uri) =>
        Assert.Equal(Proposal, DefaultRules.Match(uri));

    [Theory]
    [InlineData("/data/demo/DEMO-2021-042/../DEMO-2026-017/file")]
    [InlineData("/data/demo/DEMO-2021-042/%2e%2e/DEMO-2026-017/file")]
    [InlineData("/data/demo/./DEMO-2021-042/file")]
    [InlineData("/data/demo//DEMO-2021-042/file")]
    [InlineData("/data/demo/DEMO-2021-042%2Ffile")]
    [InlineData("/data/demo/DEMO-2021-042%5C..%5Cfile")]
    [InlineData("/data/demo")]
    [InlineData("/other/demo/DEMO-2021-042/file")]
    [InlineData("data/demo/DEMO-2021-042/file")]
    public void Paths_a_web_server_could_resolve_elsewhere_or_outside_the_rules_name_no_proposal(string uri) =>
        Assert.Null(DefaultRules.Match(uri));

    [Fact]
    public void Configured_rules_may_order_the_placeholders_and_end_exactly()
    {
        var rules = Rules(["/archive/{proposal}/at/{facility}"]);

        Assert.Equal(Proposal, rules.Match("/archive/DEMO-2021-042/at/demo"));
        Assert.Null(rules.Match("/archive/DEMO-2021-042/at/demo/more"));
    }

    [Theory]
    [InlineData("data/{facility}/{proposal}")]
    [InlineData("/data/{proposal}/**")]
    [InlineData("/data/{facility}/{proposal}/{proposal}")]
    [InlineData("/data/**/{facility}/{proposal}")]
    [InlineData("/data/{facility}/{proposal}/{file}")]
    public void Malformed_templates_are_reported(string template)
    {
        GatePathRules.Parse([template], out var problems);

        Assert.Single(problems);
        Assert.Contains(template, problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Team_member_is_allowed_under_embargo() =>
        Assert.Equal(GateVerdict.Allow, Decide(new GateCaller.Person("alice"), member: true, now: EmbargoEnd.AddDays(-1)).Verdict);

    [Fact]
    public void Non_member_is_forbidden_under_embargo() =>
        Assert.Equal(GateVerdict.Forbidden, Decide(new GateCaller.Person("carol"), member: false, now: EmbargoEnd.AddTicks(-1)).Verdict);

    [Fact]
    public void Non_member_is_allowed_from_the_embargo_end_on() =>
        Assert.Equal(GateVerdict.Allow, Decide(new GateCaller.Person("carol"), member: false, now: EmbargoEnd).Verdict);

    [Fact]
    public void Proposal_without_an_embargo_end_stays_closed()
    {
        var outcome = GateDecision.Decide(Proposal, new GateCaller.Person("carol"), new ProposalAccessFacts(false, null), anonymousOpenData: true, EmbargoEnd.AddYears(10));

        Assert.Equal(GateVerdict.Forbidden, outcome.Verdict);
    }

    [Fact]
    public void No_token_is_unauthorized_without_a_bearer_error()
    {
        var outcome = Decide(new GateCaller.Anonymous(), member: false, now: EmbargoEnd.AddDays(-1));

        Assert.Equal(GateVerdict.Unauthorized, outcome.Verdict);
        Assert.Null(outcome.BearerError);
    }

    [Theory]
    [InlineData(false, GateVerdict.Unauthorized)]
    [InlineData(true, GateVerdict.Allow)]
    public void Anonymous_access_to_open_data_is_as_configured(bool anonymousOpenData, GateVerdict expected) =>
        Assert.Equal(expected, Decide(new GateCaller.Anonymous(), member: false, now: EmbargoEnd.AddDays(1), anonymousOpenData).Verdict);

    [Fact]
    public void Invalid_token_is_unauthorized_with_invalid_token_even_for_open_data()
    {
        var outcome = Decide(new GateCaller.InvalidToken("audience"), member: false, now: EmbargoEnd.AddDays(1), anonymousOpenData: true);

        Assert.Equal(GateVerdict.Unauthorized, outcome.Verdict);
        Assert.Equal("invalid_token", outcome.BearerError);
    }

    [Fact]
    public void Path_outside_the_rules_is_forbidden_even_for_a_member()
    {
        var outcome = GateDecision.Decide(null, new GateCaller.Person("alice"), new ProposalAccessFacts(true, EmbargoEnd), anonymousOpenData: true, EmbargoEnd.AddDays(1));

        Assert.Equal(GateVerdict.Forbidden, outcome.Verdict);
    }

    [Fact]
    public async Task Cached_facts_are_reused_within_the_bound_and_reloaded_after_it()
    {
        var time = new FakeTimeProvider(EmbargoEnd);
        var cache = new GateFactsCache(time, Options.Create(new GateOptions { DecisionCacheDuration = TimeSpan.FromSeconds(30) }));
        var loads = 0;
        Task<ProposalAccessFacts> Load(CancellationToken _) => Task.FromResult(new ProposalAccessFacts(++loads == 1, null));

        var first = await cache.GetOrLoadAsync("alice", Proposal, Load, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        var within = await cache.GetOrLoadAsync("alice", Proposal, Load, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        var after = await cache.GetOrLoadAsync("alice", Proposal, Load, CancellationToken.None);

        Assert.True(first.IsTeamMember);
        Assert.True(within.IsTeamMember);
        Assert.False(after.IsTeamMember);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task Cache_keeps_people_apart()
    {
        var cache = new GateFactsCache(new FakeTimeProvider(EmbargoEnd), Options.Create(new GateOptions()));

        await cache.GetOrLoadAsync("alice", Proposal, _ => Task.FromResult(new ProposalAccessFacts(true, null)), CancellationToken.None);
        var carol = await cache.GetOrLoadAsync("carol", Proposal, _ => Task.FromResult(new ProposalAccessFacts(false, null)), CancellationToken.None);

        Assert.False(carol.IsTeamMember);
    }

    private static GateOutcome Decide(GateCaller caller, bool member, DateTimeOffset now, bool anonymousOpenData = false) =>
        GateDecision.Decide(Proposal, caller, new ProposalAccessFacts(member, EmbargoEnd), anonymousOpenData, now);
}
