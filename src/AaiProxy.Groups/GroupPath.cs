namespace AaiProxy.Groups;

/// <summary>
/// Where a group sits in the hierarchy, as its segments from the root: community → facility →
/// proposal / team / sub-group. Segments are kept as written (case-sensitive, AARC-G069 §3: group
/// names are case-sensitive); escaping is the entitlement encoder's job, never stored.
/// </summary>
public sealed class GroupPath : IEquatable<GroupPath>
{
    private readonly EquatableArray<string> _segments;

    public GroupPath(IEnumerable<string> segments)
    {
        _segments = new EquatableArray<string>(segments);
        if (_segments.Count == 0)
            throw new ArgumentException("A group path has at least one segment.", nameof(segments));
        if (_segments.Any(string.IsNullOrEmpty))
            throw new ArgumentException("A group path segment is never empty.", nameof(segments));
    }

    public static GroupPath Of(params string[] segments) => new(segments);

    /// <summary>Reads the display form <see cref="ToString"/> writes (a store keeps paths in it).</summary>
    public static GroupPath Parse(string display)
    {
        if (!display.StartsWith('/'))
            throw new FormatException($"A group path starts with '/': '{display}'.");
        // One pass, left to right, so that an escape never forms out of another's output.
        return new(display[1..].Split('/').Select(segment =>
            System.Text.RegularExpressions.Regex.Replace(segment, "%25|%2F", escape => escape.Value == "%25" ? "%" : "/")));
    }

    public IReadOnlyList<string> Segments => _segments;

    public GroupPath Child(string segment) => new(_segments.Append(segment));

    /// <summary>True when this path is <paramref name="prefix"/> or lies below it (whole segments only).</summary>
    public bool IsWithin(GroupPath prefix) =>
        prefix._segments.Count <= _segments.Count
        && prefix._segments.Select((segment, i) => segment == _segments[i]).All(same => same);

    public bool Equals(GroupPath? other) => other is not null && _segments.Equals(other._segments);

    public override bool Equals(object? obj) => Equals(obj as GroupPath);

    public override int GetHashCode() => _segments.GetHashCode();

    /// <summary>
    /// The display form, <c>/community/facility/proposal</c>: the RFC 9068 <c>groups</c> value and
    /// the plain groups claim's path form. A '%' or '/' inside a segment is written <c>%25</c> /
    /// <c>%2F</c>, so that every path has one display form and no two paths share it.
    /// </summary>
    public override string ToString() =>
        "/" + string.Join('/', _segments.Select(segment => segment.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal)));
}
