using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace AaiProxy.Federation.Generation;

/// <summary>What to generate. Defaults: a small aggregate valid for two weeks from <see cref="FixedInstant"/>.</summary>
public sealed record AggregateSpec
{
    /// <summary>The instant the defaults count from, fixed so that tests are deterministic.</summary>
    public static DateTimeOffset FixedInstant { get; } = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public int Entities { get; init; } = 25;
    public DateTimeOffset? ValidUntil { get; init; } = FixedInstant.AddDays(14);
    public TimeSpan? CacheDuration { get; init; } = TimeSpan.FromHours(6);
    public string Id { get; init; } = "_aggregate-2026-06-01";

    /// <summary>A first entity (inside the aggregate) that carries an ID, for wrong-reference cases.</summary>
    public bool FirstEntityHasId { get; init; }

    /// <summary>Public certificates the entities publish (shared between entities, as in real aggregates).</summary>
    public IReadOnlyList<X509Certificate2> EntityCertificates { get; init; } = GeneratedCertificates.EntityPool;

    /// <summary>Where IdP <c>i</c>'s single sign-on service is; null: at its own (fictitious) domain. The demo
    /// and the browser tests point the generated IdPs at an address that answers.</summary>
    public Func<int, Uri?>? SingleSignOnLocation { get; init; }
}

/// <summary>
/// A realistic federation aggregate: about 60% IdPs with MDUI in two or three languages, logos,
/// (half of them inline <c>data:</c> images, half https URLs), scopes, DiscoHints, entity categories, Sirtfi,
/// hide-from-discovery, registration authorities of eight federations, one or two certificates; the rest SPs. Deterministic: the predicates below say what entity <c>i</c> carries.
/// </summary>
public static class AggregateGenerator
{
    private const string Md = "urn:oasis:names:tc:SAML:2.0:metadata";
    private const string Ds = "http://www.w3.org/2000/09/xmldsig#";
    private const string MdUi = "urn:oasis:names:tc:SAML:metadata:ui";
    private const string MdRpi = "urn:oasis:names:tc:SAML:metadata:rpi";
    private const string MdAttr = "urn:oasis:names:tc:SAML:metadata:attribute";
    private const string Saml = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string ShibMd = "urn:mace:shibboleth:metadata:1.0";
    private const string Redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    private const string Post = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

    private static readonly string[] Cities =
    [
        "Helsinki", "Tartu", "Utrecht", "Bologna", "Heidelberg", "Coimbra", "Uppsala", "Leuven", "Kraków", "Ljubljana",
        "Zagreb", "Vilnius", "Riga", "Porto", "Sevilla", "Lyon", "Graz", "Brno", "Szeged", "Cork",
        "Aarhus", "Bergen", "Ghent", "Trieste", "Salamanca", "Debrecen", "Tampere", "Göttingen", "Nantes", "Pisa",
    ];

    public static bool IsIdentityProvider(int index) => index % 5 < 3;
    public static bool IsHiddenFromDiscovery(int index) => index % 50 == 5;
    public static bool HasSirtfi(int index) => index % 10 == 1;
    public static bool IsResearchAndScholarship(int index) => index % 4 == 0;
    public static string RegistrationAuthority(int index) => $"https://federation-{index % 8}.example.org";
    public static string Domain(int index) => $"campus{index}.{City(index).ToLowerInvariant().Replace('ö', 'o').Replace('ó', 'o').Replace('ä', 'a')}.example.edu";
    public static string EntityId(int index) => IsIdentityProvider(index)
        ? $"https://idp.{Domain(index)}/idp/shibboleth"
        : $"https://sp.{Domain(index)}/shibboleth";
    public static string EnglishName(int index) => $"University of {City(index)}" + (index >= Cities.Length ? $" campus {index}" : "");

    private static string City(int index) => Cities[index % Cities.Length];

    public static string Generate(AggregateSpec spec)
    {
        var text = new StringBuilder(spec.Entities * 6000);
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("md", "EntitiesDescriptor", Md);
            foreach (var (prefix, uri) in new[] { ("ds", Ds), ("mdui", MdUi), ("mdrpi", MdRpi), ("mdattr", MdAttr), ("saml", Saml), ("shibmd", ShibMd) })
            {
                writer.WriteAttributeString("xmlns", prefix, null, uri);
            }

            writer.WriteAttributeString("ID", spec.Id);
            writer.WriteAttributeString("Name", "urn:example:federation:test-aggregate");
            if (spec.ValidUntil is { } validUntil)
            {
                writer.WriteAttributeString("validUntil", validUntil.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            }

            if (spec.CacheDuration is { } cacheDuration)
            {
                writer.WriteAttributeString("cacheDuration", XmlConvert.ToString(cacheDuration));
            }

            writer.WriteStartElement("md", "Extensions", Md);
            writer.WriteStartElement("mdrpi", "PublicationInfo", MdRpi);
            writer.WriteAttributeString("publisher", "https://federation.example.org");
            writer.WriteEndElement();
            writer.WriteEndElement();
            for (var i = 0; i < spec.Entities; i++)
            {
                WriteEntity(writer, spec, i, id: spec.FirstEntityHasId && i == 0 ? "_first-entity" : null);
            }

            writer.WriteEndElement();
        }

        return text.ToString();
    }

    /// <summary>One entity as its own document (for directory sources and MDQ answers).</summary>
    public static string EntityDocument(int index, AggregateSpec? spec = null)
    {
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            WriteEntity(writer, spec ?? new AggregateSpec(), index, id: null);
        }

        return text.ToString();
    }

    /// <summary>One entity as a signed MDQ answer (the EntityDescriptor is the signed document element).</summary>
    public static string SignedEntityDocument(int index, DateTimeOffset validUntil, TimeSpan cacheDuration, X509Certificate2 signer)
    {
        var unsigned = EntityDocument(index).Replace("<md:EntityDescriptor ",
            $"<md:EntityDescriptor ID=\"_entity-{index}\" validUntil=\"{validUntil.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\" cacheDuration=\"{XmlConvert.ToString(cacheDuration)}\" ");
        return AggregateSigner.Sign(unsigned, signer);
    }

    private static void WriteEntity(XmlWriter w, AggregateSpec spec, int i, string? id)
    {
        w.WriteStartElement("md", "EntityDescriptor", Md);
        w.WriteAttributeString("entityID", EntityId(i));
        if (id is not null)
        {
            w.WriteAttributeString("ID", id);
        }

        w.WriteStartElement("md", "Extensions", Md);
        w.WriteStartElement("mdrpi", "RegistrationInfo", MdRpi);
        w.WriteAttributeString("registrationAuthority", RegistrationAuthority(i));
        w.WriteAttributeString("registrationInstant", "2019-03-04T10:00:00Z");
        Element(w, "mdrpi", "RegistrationPolicy", MdRpi, "https://federation.example.org/policy", "en");
        w.WriteEndElement();
        WriteEntityAttributes(w, i);
        w.WriteEndElement();

        if (IsIdentityProvider(i))
        {
            WriteIdentityProvider(w, spec, i);
        }
        else
        {
            WriteServiceProvider(w, spec, i);
        }

        w.WriteStartElement("md", "Organization", Md);
        Element(w, "md", "OrganizationName", Md, EnglishName(i), "en");
        Element(w, "md", "OrganizationDisplayName", Md, EnglishName(i), "en");
        Element(w, "md", "OrganizationURL", Md, $"https://www.{Domain(i)}/", "en");
        w.WriteEndElement();
        w.WriteStartElement("md", "ContactPerson", Md);
        w.WriteAttributeString("contactType", "technical");
        Element(w, "md", "GivenName", Md, "IT Services", null);
        Element(w, "md", "EmailAddress", Md, $"mailto:it@{Domain(i)}", null);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteEntityAttributes(XmlWriter w, int i)
    {
        var categories = new List<string>();
        if (IsResearchAndScholarship(i))
        {
            categories.Add(FederationUris.ResearchAndScholarship);
        }

        if (i % 3 == 0)
        {
            categories.Add(FederationUris.CodeOfConductV2);
        }

        if (IsHiddenFromDiscovery(i))
        {
            categories.Add(FederationUris.HideFromDiscovery);
        }

        w.WriteStartElement("mdattr", "EntityAttributes", MdAttr);
        Attribute(w, IsIdentityProvider(i) ? FederationUris.EntityCategorySupportAttribute : FederationUris.EntityCategoryAttribute,
            IsIdentityProvider(i) ? [FederationUris.ResearchAndScholarship] : categories);
        if (IsIdentityProvider(i) && categories.Count > 0)
        {
            Attribute(w, FederationUris.EntityCategoryAttribute, categories);
        }

        if (HasSirtfi(i))
        {
            Attribute(w, FederationUris.AssuranceCertificationAttribute, [FederationUris.Sirtfi]);
        }

        w.WriteEndElement();
    }

    private static void Attribute(XmlWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartElement("saml", "Attribute", Saml);
        w.WriteAttributeString("Name", name);
        w.WriteAttributeString("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri");
        foreach (var value in values)
        {
            Element(w, "saml", "AttributeValue", Saml, value, null);
        }

        w.WriteEndElement();
    }

    private static void WriteIdentityProvider(XmlWriter w, AggregateSpec spec, int i)
    {
        var domain = Domain(i);
        w.WriteStartElement("md", "IDPSSODescriptor", Md);
        w.WriteAttributeString("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol");
        w.WriteStartElement("md", "Extensions", Md);
        Element(w, "shibmd", "Scope", ShibMd, domain, null, ("regexp", "false"));
        WriteUserInterface(w, i);
        w.WriteStartElement("mdui", "DiscoHints", MdUi);
        Element(w, "mdui", "IPHint", MdUi, $"10.{i % 250}.0.0/16", null);
        Element(w, "mdui", "DomainHint", MdUi, domain, null);
        Element(w, "mdui", "GeolocationHint", MdUi, $"geo:{40 + i % 20}.{i % 97},{i % 30}.{i % 89}", null);
        w.WriteEndElement();
        w.WriteEndElement();
        WriteKeys(w, spec.EntityCertificates, i);
        Endpoint(w, "SingleLogoutService", Redirect, $"https://idp.{domain}/idp/profile/SAML2/Redirect/SLO");
        if (spec.SingleSignOnLocation?.Invoke(i) is { } location)
        {
            Endpoint(w, "SingleSignOnService", Redirect, location.AbsoluteUri);
        }
        else
        {
            Endpoint(w, "SingleSignOnService", Post, $"https://idp.{domain}/idp/profile/SAML2/POST/SSO");
            Endpoint(w, "SingleSignOnService", Redirect, $"https://idp.{domain}/idp/profile/SAML2/Redirect/SSO");
        }
        w.WriteEndElement();
    }

    private static void WriteServiceProvider(XmlWriter w, AggregateSpec spec, int i)
    {
        w.WriteStartElement("md", "SPSSODescriptor", Md);
        w.WriteAttributeString("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol");
        w.WriteStartElement("md", "Extensions", Md);
        WriteUserInterface(w, i);
        w.WriteEndElement();
        WriteKeys(w, spec.EntityCertificates, i);
        w.WriteStartElement("md", "AssertionConsumerService", Md);
        w.WriteAttributeString("Binding", Post);
        w.WriteAttributeString("Location", $"https://sp.{Domain(i)}/Shibboleth.sso/SAML2/POST");
        w.WriteAttributeString("index", "1");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteUserInterface(XmlWriter w, int i)
    {
        var city = City(i);
        var suffix = i >= Cities.Length ? $" campus {i}" : "";
        w.WriteStartElement("mdui", "UIInfo", MdUi);
        Element(w, "mdui", "DisplayName", MdUi, EnglishName(i), "en");
        Element(w, "mdui", "DisplayName", MdUi, $"Universität {city}{suffix}", "de");
        if (i % 2 == 0)
        {
            Element(w, "mdui", "DisplayName", MdUi, $"Université de {city}{suffix}", "fr");
        }

        Element(w, "mdui", "Description", MdUi, $"Identity provider for students and staff of the University of {city}.", "en");
        Element(w, "mdui", "Description", MdUi, $"Identitätsanbieter für Studierende und Beschäftigte der Universität {city}.", "de");
        Element(w, "mdui", "Keywords", MdUi, $"university research {city.ToLowerInvariant()} higher+education", "en");
        Element(w, "mdui", "Logo", MdUi, LogoUrl(i), null, ("width", "80"), ("height", "60"));
        Element(w, "mdui", "Logo", MdUi, $"https://www.{Domain(i)}/logo-16.png", "en", ("width", "16"), ("height", "16"));
        Element(w, "mdui", "InformationURL", MdUi, $"https://www.{Domain(i)}/about", "en");
        Element(w, "mdui", "PrivacyStatementURL", MdUi, $"https://www.{Domain(i)}/privacy", "en");
        Element(w, "mdui", "PrivacyStatementURL", MdUi, $"https://www.{Domain(i)}/datenschutz", "de");
        w.WriteEndElement();
    }

    /// <summary>Entity <c>i</c>'s 80×60 logo: an inline SVG (a <c>data:</c> URI) for odd <c>i</c>, an https URL otherwise.</summary>
    public static string LogoUrl(int i)
    {
        if (i % 2 == 0)
        {
            return $"https://www.{Domain(i)}/logo-80.png";
        }

        var hue = i * 37 % 360;
        var svg = $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"60\"><rect width=\"80\" height=\"60\" rx=\"8\" fill=\"hsl({hue},55%,35%)\"/>" +
                  $"<text x=\"40\" y=\"40\" font-family=\"sans-serif\" font-size=\"26\" fill=\"#fff\" text-anchor=\"middle\">{City(i)[..2]}</text></svg>";
        return "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
    }

    // One or two certificates: every other entity publishes a separate encryption key.
    private static void WriteKeys(XmlWriter w, IReadOnlyList<X509Certificate2> pool, int i)
    {
        if (i % 2 == 0)
        {
            Key(w, "signing", pool[i % pool.Count]);
            Key(w, "encryption", pool[(i + 1) % pool.Count]);
        }
        else
        {
            Key(w, null, pool[i % pool.Count]);
        }
    }

    private static void Key(XmlWriter w, string? use, X509Certificate2 certificate)
    {
        w.WriteStartElement("md", "KeyDescriptor", Md);
        if (use is not null)
        {
            w.WriteAttributeString("use", use);
        }

        w.WriteStartElement("ds", "KeyInfo", Ds);
        w.WriteStartElement("ds", "X509Data", Ds);
        Element(w, "ds", "X509Certificate", Ds, Convert.ToBase64String(certificate.RawData, Base64FormattingOptions.InsertLineBreaks), null);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Endpoint(XmlWriter w, string service, string binding, string location)
    {
        w.WriteStartElement("md", service, Md);
        w.WriteAttributeString("Binding", binding);
        w.WriteAttributeString("Location", location);
        w.WriteEndElement();
    }

    private static void Element(XmlWriter w, string prefix, string localName, string ns, string value, string? language,
        params (string Name, string Value)[] attributes)
    {
        w.WriteStartElement(prefix, localName, ns);
        if (language is not null)
        {
            w.WriteAttributeString("xml", "lang", null, language);
        }

        foreach (var (name, attributeValue) in attributes)
        {
            w.WriteAttributeString(name, attributeValue);
        }

        w.WriteString(value);
        w.WriteEndElement();
    }
}
