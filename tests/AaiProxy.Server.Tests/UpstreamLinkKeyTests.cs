using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests;

/// <summary>The link key is (protocol, issuer, subject kind, subject): kinds of identifier never meet.</summary>
public sealed class UpstreamLinkKeyTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string Issuer = "https://idp.link-key.example.org/idp";

    [Fact]
    public async Task A_persistent_name_id_and_a_subject_id_with_the_same_value_are_different_people()
    {
        var byNameId = await ResolveAsync(InternalAttributes.PersistentNameId, "admin@link-key.example.org");
        var bySubjectId = await ResolveAsync(InternalAttributes.SubjectId, "admin@link-key.example.org");
        var byNameIdAgain = await ResolveAsync(InternalAttributes.PersistentNameId, "admin@link-key.example.org");

        Assert.NotEqual(byNameId.Account.Id, bySubjectId.Account.Id);
        Assert.NotEqual(byNameId.LinkId, bySubjectId.LinkId);
        Assert.Equal(byNameId.Account.Id, byNameIdAgain.Account.Id);
        Assert.Equal(byNameId.LinkId, byNameIdAgain.LinkId);
    }

    private async Task<ResolvedIdentity> ResolveAsync(string subjectSource, string subject)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(new UpstreamIdentity(
            UpstreamProtocols.Saml2, Issuer, subject, subjectSource,
            new Dictionary<string, IReadOnlyList<string>>(), new UpstreamAuthentication(DateTimeOffset.UtcNow, null)), CancellationToken.None);
    }
}
