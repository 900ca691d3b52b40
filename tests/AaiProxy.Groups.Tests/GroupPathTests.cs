namespace AaiProxy.Groups.Tests;

public class GroupPathTests
{
    [Fact]
    public void Writes_the_display_form_with_slashes_and_escapes_slash_and_percent_inside_segments()
    {
        Assert.Equal("/pan/ess/20240123", Fixtures.Ess.TeamGroupPath("20240123").ToString());
        Assert.Equal("/pan/a%2Fb/100%25", GroupPath.Of("pan", "a/b", "100%").ToString());
        Assert.NotEqual(GroupPath.Of("pan", "a/b").ToString(), GroupPath.Of("pan", "a", "b").ToString());
    }

    [Theory]
    [InlineData("pan", "a/b", "100%")]
    [InlineData("pan", "%2F", "%25/%")]
    [InlineData("pan", "Ryhmä")]
    public void Reads_back_the_display_form_it_writes(params string[] segments)
    {
        var path = GroupPath.Of(segments);
        Assert.Equal(path, GroupPath.Parse(path.ToString()));
    }

    [Fact]
    public void Lies_within_a_prefix_by_whole_segments_only()
    {
        Assert.True(GroupPath.Of("pan", "ess", "1").IsWithin(GroupPath.Of("pan", "ess")));
        Assert.True(GroupPath.Of("pan", "ess").IsWithin(GroupPath.Of("pan", "ess")));
        Assert.False(GroupPath.Of("pan", "essential").IsWithin(GroupPath.Of("pan", "ess")));
        Assert.False(GroupPath.Of("pan").IsWithin(GroupPath.Of("pan", "ess")));
    }

    [Fact]
    public void Refuses_an_empty_path_or_segment()
    {
        Assert.Throws<ArgumentException>(() => GroupPath.Of());
        Assert.Throws<ArgumentException>(() => GroupPath.Of("pan", ""));
    }

    [Fact]
    public void Compares_paths_and_role_sets_by_value()
    {
        Assert.Equal(GroupPath.Of("pan", "ess"), Fixtures.Ess.Path);
        Assert.Equal(RoleSet.Of("pi", "member", "co-proposer", "pi"), RoleSet.Of("co-proposer", "pi"));
        Assert.Equal("member,co-proposer,pi", RoleSet.Of("pi", "co-proposer").ToString());
        Assert.Throws<ArgumentException>(() => RoleSet.Of("Pi"));
    }
}
