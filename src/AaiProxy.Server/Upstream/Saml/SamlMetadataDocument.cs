using AaiProxy.Saml.ServiceProviderMetadata;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Our signed SP metadata, signed once and re-signed when a quarter of its validity has passed, so a
/// flood of metadata requests costs no private-key operations; written anew when our keys change (a rotation).
/// </summary>
internal sealed class SamlMetadataDocument(ServiceProviderMetadataWriter writer, AaiProxy.Saml.ServiceProviderSettings settings, IOptions<SamlOptions> options,
    TimeProvider time)
{
    private readonly Lock _gate = new();
    private (string Xml, DateTimeOffset RenewAt, int Keys)? _current;

    public string Current()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var keys = settings.Keys.Generation;
            if (_current is { } current && now < current.RenewAt && current.Keys == keys)
            {
                return current.Xml;
            }

            var content = Content(options.Value);
            _current = (writer.Write(content), now + content.ValidFor / 4, keys);
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
