using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

/// <summary>The pure name generator: what a person's preferred_username is made of.</summary>
public sealed class PreferredUsernameGeneratorTests
{
    [Fact]
    public void Base_name_is_the_eppn_local_part_first()
    {
        var upstream = Upstream((InternalAttributes.EduPersonPrincipalName, "Alice.Smith@uni.example.org"),
            (InternalAttributes.GivenName, "Alice"), (InternalAttributes.FamilyName, "Jones"), (InternalAttributes.Email, "a@x.example.org"));

        Assert.Equal("alice-smith", PreferredUsernames.BaseName(upstream));
    }

    [Fact]
    public void Base_name_falls_back_to_given_and_family_name_then_name_then_email_then_user()
    {
        Assert.Equal("bob-sample", PreferredUsernames.BaseName(Upstream((InternalAttributes.GivenName, "Bob"), (InternalAttributes.FamilyName, "Sample"),
            (InternalAttributes.Email, "bs@x.example.org"))));
        Assert.Equal("carol-legacy", PreferredUsernames.BaseName(Upstream((InternalAttributes.Name, "Carol Legacy"), (InternalAttributes.Email, "c@x.example.org"))));
        Assert.Equal("dave", PreferredUsernames.BaseName(Upstream((InternalAttributes.Email, "dave@x.example.org"))));
        Assert.Equal("user", PreferredUsernames.BaseName(Upstream()));
        Assert.Equal("user", PreferredUsernames.BaseName(Upstream((InternalAttributes.Name, "李小龍"))));
    }

    [Theory]
    [InlineData("Jürgen Groß-Ødegård", "jurgen-gross-odegard")]
    [InlineData("Zoë Łukasiewicz", "zoe-lukasiewicz")]
    [InlineData("  O'Brien, Seán  ", "obrien-sean")]
    [InlineData("007 agent", "_007-agent")]
    [InlineData("ÆSIR", "aesir")]
    public void Names_are_transliterated_to_lowercase_ascii_unix_names(string text, string expected)
    {
        Assert.Equal(expected, PreferredUsernames.Sanitize(text));
        Assert.True(PreferredUsernames.IsValid(expected));
    }

    [Fact]
    public void Long_names_and_their_suffixed_alternatives_fit_in_32_characters()
    {
        var name = PreferredUsernames.Sanitize("Maximiliane Wilhelmina Hohenzollern-Sigmaringen");

        Assert.Equal(32, name.Length);
        Assert.True(PreferredUsernames.IsValid(name));
        Assert.Equal(32, PreferredUsernames.WithSuffix(name, 12).Length);
        Assert.EndsWith("12", PreferredUsernames.WithSuffix(name, 12));
        Assert.Equal("alice2", PreferredUsernames.WithSuffix("alice", 2));
    }

    internal static UpstreamIdentity Upstream(params (string Attribute, string Value)[] attributes) => new(
        UpstreamProtocols.Saml2, "https://idp.example.org/idp", Guid.NewGuid().ToString("N"), InternalAttributes.SubjectId,
        attributes.ToDictionary(attribute => attribute.Attribute, attribute => (IReadOnlyList<string>)[attribute.Value]),
        new UpstreamAuthentication(DateTimeOffset.UtcNow, null));
}

/// <summary>preferred_username on the account: chosen once, unique, released under profile.</summary>
public sealed class PreferredUsernameTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Two_people_with_the_same_base_name_get_distinct_names()
    {
        var first = await ResolveAsync(PreferredUsernameGeneratorTests.Upstream((InternalAttributes.EduPersonPrincipalName, "sam@one.example.org")));
        var second = await ResolveAsync(PreferredUsernameGeneratorTests.Upstream((InternalAttributes.EduPersonPrincipalName, "sam@two.example.org")));
        var third = await ResolveAsync(PreferredUsernameGeneratorTests.Upstream((InternalAttributes.EduPersonPrincipalName, "Sam@three.example.org")));

        Assert.Equal(["sam", "sam2", "sam3"], new[] { first, second, third }.Select(person => person.Account.PreferredUsername));
    }

    [Fact]
    public async Task Preferred_username_never_changes_when_upstream_names_change()
    {
        var upstream = PreferredUsernameGeneratorTests.Upstream((InternalAttributes.EduPersonPrincipalName, "erin@one.example.org"));
        var created = await ResolveAsync(upstream);

        var renamed = await ResolveAsync(upstream with
        {
            Attributes = new Dictionary<string, IReadOnlyList<string>> { [InternalAttributes.EduPersonPrincipalName] = ["erin.new@one.example.org"] },
        });

        Assert.Equal("erin", created.Account.PreferredUsername);
        Assert.Equal(created.Account.Id, renamed.Account.Id);
        Assert.Equal("erin", renamed.Account.PreferredUsername);
    }

    [Fact]
    public async Task Id_token_carries_preferred_username_under_the_profile_scope()
    {
        var withProfile = await _oidc.CodeFlowAsync("alice", "openid profile");
        var withoutProfile = await _oidc.CodeFlowAsync("alice", "openid email");

        Assert.Equal("alice", new JsonWebToken(withProfile.GetProperty("id_token").GetString()!).GetClaim("preferred_username").Value);
        Assert.False(new JsonWebToken(withoutProfile.GetProperty("id_token").GetString()!).TryGetClaim("preferred_username", out _));
    }

    private async Task<ResolvedIdentity> ResolveAsync(UpstreamIdentity upstream)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(upstream, CancellationToken.None);
    }
}
