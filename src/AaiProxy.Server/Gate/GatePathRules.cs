using AaiProxy.Groups;

namespace AaiProxy.Server.Gate;

/// <summary>
/// Maps a request path to the proposal whose data it is, by templates such as <c>/data/{facility}/{proposal}/**</c>:
/// literal segments match exactly, <c>{facility}</c> and <c>{proposal}</c> each match one segment, a final <c>**</c>
/// matches whatever follows (nothing included). The first template that matches wins.
/// </summary>
/// <remarks>
/// The path is the one the web server received (nginx <c>$request_uri</c>), not yet normalised by it. A path with a
/// <c>.</c> or <c>..</c> segment, an empty segment, or an encoded <c>/</c> or <c>\</c> could name one proposal here and
/// another file there, so it matches no rule (and is refused).
/// </remarks>
public sealed class GatePathRules
{
    public const string FacilityPlaceholder = "{facility}";
    public const string ProposalPlaceholder = "{proposal}";
    public const string AnyRest = "**";

    private readonly IReadOnlyList<Template> _templates;

    private GatePathRules(IReadOnlyList<Template> templates) => _templates = templates;

    /// <summary>Parses the templates; the problems name each template that is not well formed.</summary>
    public static GatePathRules Parse(IEnumerable<string> templates, out IReadOnlyList<string> problems)
    {
        var parsed = new List<Template>();
        var found = new List<string>();
        foreach (var text in templates)
        {
            if (Template.TryParse(text, out var template, out var problem))
                parsed.Add(template);
            else
                found.Add($"path rule '{text}': {problem}");
        }

        problems = found;
        return new GatePathRules(parsed);
    }

    /// <summary>The proposal of <paramref name="originalUri"/> (path, optionally with a query), or null when no rule names one.</summary>
    public ProposalKey? Match(string originalUri)
    {
        var path = originalUri.Split('?', '#')[0];
        if (!path.StartsWith('/'))
            return null;
        var segments = path[1..].Split('/');
        var decoded = new string[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            // A trailing slash (a directory listing) is the only empty segment allowed.
            if (segments[i].Length == 0 && i < segments.Length - 1)
                return null;
            decoded[i] = Uri.UnescapeDataString(segments[i]);
            if (decoded[i] is "." or ".." || decoded[i].Contains('/') || decoded[i].Contains('\\') || decoded[i].Contains('\0'))
                return null;
        }

        if (decoded[^1].Length == 0)
            decoded = decoded[..^1];
        return _templates.Select(template => template.Match(decoded)).FirstOrDefault(key => key is not null);
    }

    private sealed record Template(IReadOnlyList<string> Segments, bool OpenEnded)
    {
        public static bool TryParse(string text, out Template template, out string problem)
        {
            template = null!;
            if (!text.StartsWith('/'))
            {
                problem = "must start with '/'";
                return false;
            }

            var segments = text[1..].Split('/').ToList();
            var openEnded = segments[^1] == AnyRest;
            if (openEnded)
                segments.RemoveAt(segments.Count - 1);
            if (segments.Any(segment => segment.Length == 0 || segment == AnyRest || segment is "." or ".."))
            {
                problem = "has an empty, '.', '..' or inner '**' segment ('**' may only end it)";
                return false;
            }

            if (segments.Count(s => s == FacilityPlaceholder) != 1 || segments.Count(s => s == ProposalPlaceholder) != 1)
            {
                problem = $"must name {FacilityPlaceholder} and {ProposalPlaceholder} once each, e.g. /data/{FacilityPlaceholder}/{ProposalPlaceholder}/**";
                return false;
            }

            if (segments.Any(segment => segment != FacilityPlaceholder && segment != ProposalPlaceholder && segment.Contains('{')))
            {
                problem = $"knows only the placeholders {FacilityPlaceholder} and {ProposalPlaceholder}";
                return false;
            }

            problem = "";
            template = new Template(segments, openEnded);
            return true;
        }

        public ProposalKey? Match(IReadOnlyList<string> path)
        {
            if (path.Count < Segments.Count || (!OpenEnded && path.Count != Segments.Count))
                return null;
            string? facility = null, proposal = null;
            for (var i = 0; i < Segments.Count; i++)
            {
                switch (Segments[i])
                {
                    case FacilityPlaceholder: facility = path[i]; break;
                    case ProposalPlaceholder: proposal = path[i]; break;
                    default:
                        if (!string.Equals(Segments[i], path[i], StringComparison.Ordinal))
                            return null;
                        break;
                }
            }

            return facility is { Length: > 0 } && proposal is { Length: > 0 } ? new ProposalKey(facility, proposal) : null;
        }
    }
}
