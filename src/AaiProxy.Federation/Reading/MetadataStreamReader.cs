using System.Xml;
using System.Xml.Linq;
using AaiProxy.Federation.Model;

namespace AaiProxy.Federation.Reading;

/// <summary>
/// Reads a metadata document (an <c>EntitiesDescriptor</c> aggregate, possibly nested, or a single
/// <c>EntityDescriptor</c>) one entity at a time: only the entity being read is ever in memory as a
/// tree. DTDs are prohibited, nothing is resolved, and size and depth are bounded while reading.
/// The document's signature is not checked here (see <see cref="Trust.SignedMetadataLoader"/>).
/// </summary>
public static class MetadataStreamReader
{
    /// <exception cref="MetadataRejectedException">The document as a whole cannot be used.</exception>
    public static MetadataDocument Read(Stream xml, MetadataReadOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(options);
        return MetadataXml.Read(xml, options, reader => ReadDocumentElement(reader, options, now));
    }

    private static MetadataDocument ReadDocumentElement(XmlReader reader, MetadataReadOptions options, DateTimeOffset now)
    {
        var isAggregate = MetadataXml.IsMetadataElement(reader, "EntitiesDescriptor");
        if (!isAggregate && !MetadataXml.IsMetadataElement(reader, "EntityDescriptor"))
        {
            throw new MetadataRejectedException(MetadataRejection.NotMetadata,
                $"The document element is {{{reader.NamespaceURI}}}{reader.LocalName}, not a SAML metadata EntitiesDescriptor or EntityDescriptor.");
        }

        var validUntil = DocumentInstant(reader.GetAttribute("validUntil"));
        RequireValid(validUntil, options, now);
        var cacheDuration = DocumentDuration(reader.GetAttribute("cacheDuration"));

        var collector = new Collector(new EntityDescriptorParser(now), options.Limits.MaxDepth, now);
        if (isAggregate)
        {
            ReadAggregate(reader, collector);
        }
        else
        {
            collector.Add((XElement)XNode.ReadFrom(reader));
        }

        return new MetadataDocument(collector.IdentityProviders, collector.Skipped, collector.OtherEntities, validUntil, cacheDuration);
    }

    // Metadata 2.3.1: EntitiesDescriptor holds ds:Signature?, Extensions?, then EntityDescriptor or
    // EntitiesDescriptor children; nested groups are walked in place.
    private static void ReadAggregate(XmlReader reader, Collector collector)
    {
        if (reader.IsEmptyElement)
        {
            return;
        }

        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            if (reader.Depth >= collector.MaxDepth)
            {
                throw MetadataXml.TooDeep(collector.MaxDepth);
            }

            if (MetadataXml.IsMetadataElement(reader, "EntityDescriptor"))
            {
                collector.Add((XElement)XNode.ReadFrom(reader));
            }
            else if (MetadataXml.IsMetadataElement(reader, "EntitiesDescriptor") && !reader.IsEmptyElement)
            {
                if (collector.GroupExpired(reader))
                {
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    // Metadata 2.3.1 validUntil; eduGAIN MAPS: an aggregate always carries one.
    private static void RequireValid(DateTimeOffset? validUntil, MetadataReadOptions options, DateTimeOffset now)
    {
        if (validUntil is null && options.RequireValidUntil)
        {
            throw new MetadataRejectedException(MetadataRejection.ValidUntilMissing, "The metadata has no validUntil, which this source requires.");
        }

        if (validUntil <= now)
        {
            throw new MetadataRejectedException(MetadataRejection.Expired, $"The metadata expired at {validUntil:O}.");
        }
    }

    private static DateTimeOffset? DocumentInstant(string? value)
    {
        try
        {
            return EntityDescriptorParser.ParseInstant(value, null);
        }
        catch (UnusableEntityException ex)
        {
            throw new MetadataRejectedException(MetadataRejection.Malformed, ex.Message, ex);
        }
    }

    private static TimeSpan? DocumentDuration(string? value)
    {
        try
        {
            return value is null ? null : XmlConvert.ToTimeSpan(value.Trim());
        }
        catch (FormatException ex)
        {
            throw new MetadataRejectedException(MetadataRejection.Malformed, $"cacheDuration '{value}' is not an xs:duration.", ex);
        }
    }

    private sealed class Collector(EntityDescriptorParser parser, int maxDepth, DateTimeOffset now)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public int MaxDepth { get; } = maxDepth;
        public List<FederationEntity> IdentityProviders { get; } = [];
        public List<SkippedEntity> Skipped { get; } = [];
        public int OtherEntities { get; private set; }

        // Metadata 2.3.1: a nested group past its validUntil is left out whole, and reported.
        public bool GroupExpired(XmlReader group)
        {
            DateTimeOffset? validUntil;
            try
            {
                validUntil = EntityDescriptorParser.ParseInstant(group.GetAttribute("validUntil"), null);
            }
            catch (UnusableEntityException ex)
            {
                Skipped.Add(new SkippedEntity(null, $"EntitiesDescriptor '{group.GetAttribute("Name")}': {ex.Message}"));
                return true;
            }

            if (validUntil <= now)
            {
                Skipped.Add(new SkippedEntity(null, $"EntitiesDescriptor '{group.GetAttribute("Name")}' expired at {validUntil:O}; its entities are left out."));
                return true;
            }

            return false;
        }

        public void Add(XElement entity)
        {
            RequireDepthWithin(entity);
            try
            {
                var idp = parser.Parse(entity);
                if (idp is null)
                {
                    OtherEntities++;
                }
                else if (!_seen.Add(idp.EntityId))
                {
                    Skipped.Add(new SkippedEntity(idp.EntityId, "The entity is described more than once; the first description is used."));
                }
                else
                {
                    IdentityProviders.Add(idp);
                }
            }
            catch (UnusableEntityException ex)
            {
                Skipped.Add(new SkippedEntity(ex.EntityId, ex.Message));
            }
        }

        // The entity tree is built without recursion; refusing deep nesting keeps whatever walks it later safe.
        private void RequireDepthWithin(XElement entity)
        {
            foreach (var element in entity.Descendants())
            {
                if (!element.HasElements && element.Ancestors().Count() >= MaxDepth)
                {
                    throw MetadataXml.TooDeep(MaxDepth);
                }
            }
        }
    }
}
