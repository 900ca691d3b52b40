using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;

namespace AaiProxy.Federation.Tests.Sources;

public sealed class DirectoryEntitySourceTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("aaiproxy-entities-");

    public void Dispose() => _directory.Delete(recursive: true);

    private void Write(string name, string xml) => File.WriteAllText(Path.Combine(_directory.FullName, name), xml);

    private Task<MetadataDocument> LoadAsync() =>
        new DirectoryEntitySource("local", _directory.FullName, TimeSpan.FromHours(1)).LoadAsync(Fixtures.Now, CancellationToken.None);

    [Fact]
    public async Task Reads_each_file_and_reports_unusable_ones_without_failing_the_others()
    {
        Write("a-idp.xml", AggregateGenerator.EntityDocument(0));
        Write("b-sp.xml", AggregateGenerator.EntityDocument(3));
        Write("c-broken.xml", "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"");
        Write("d-idp.xml", AggregateGenerator.EntityDocument(1));
        Write("notes.txt", "not metadata");

        var document = await LoadAsync();

        Assert.Equal([AggregateGenerator.EntityId(0), AggregateGenerator.EntityId(1)], document.IdentityProviders.Select(e => e.EntityId));
        Assert.Equal(1, document.OtherEntities);
        var skipped = Assert.Single(document.Skipped);
        Assert.StartsWith("c-broken.xml: The metadata is not well-formed", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_a_missing_directory_as_unavailable()
    {
        _directory.Delete(recursive: true);

        var error = await Assert.ThrowsAsync<MetadataRejectedException>(LoadAsync);

        Assert.Equal(MetadataRejection.Unavailable, error.Reason);
        _directory.Create();
    }
}
