using AaiProxy.Saml.ServiceProviderMetadata;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Our signed SP metadata, signed once and re-signed when a quarter of its validity has passed, so a
/// flood of metadata requests costs no private-key operations.
/// </summary>
internal sealed class SamlMetadataDocument(ServiceProviderMetadataWriter writer, IOptions<SamlOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private (string Xml, DateTimeOffset RenewAt)? _current;

    public string Current()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_current is { } current && now < current.RenewAt)
            {
                return current.Xml;
            }

            var content = Content(options.Value);
            _current = (writer.Write(content), now + content.ValidFor / 4);
            return _current.Value.Xml;
        }
    }

    private static ServiceProviderMetadataContent Content(SamlOptions saml)
    {
        var metadata = saml.Metadata;
        return new ServiceProviderMetadataContent
        {
            DisplayName = metadata.DisplayName,
            Description = metadata.Description,
            InformationUrl = metadata.InformationUrl,
            PrivacyStatementUrl = metadata.PrivacyStatementUrl,
            Organization = new MetadataOrganization(metadata.OrganizationName, metadata.OrganizationName, metadata.OrganizationUrl),
            TechnicalContact = new MetadataContact(metadata.TechnicalContactName, metadata.TechnicalContactEmail),
            SecurityContact = new MetadataContact(metadata.SecurityContactName, metadata.SecurityContactEmail),
            AuthnRequestsSigned = saml.SignAuthnRequests,
        };
    }
}
