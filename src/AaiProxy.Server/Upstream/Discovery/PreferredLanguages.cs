using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>The languages a person reads, best first, from <c>Accept-Language</c> (RFC 9110 12.5.4), ending in
/// English, the language every federation's metadata has (MDUI 2.1.2 asks for English display names).</summary>
internal static partial class PreferredLanguages
{
    public const string Fallback = "en";
    private const int MaxLanguages = 8;

    public static IReadOnlyList<string> Of(HttpRequest request) => From(request.Headers.AcceptLanguage.ToString());

    /// <summary>Each tag and then its primary language (<c>de-CH</c> → <c>de-CH</c>, <c>de</c>), by quality; q=0 excluded.</summary>
    public static IReadOnlyList<string> From(string? acceptLanguage)
    {
        var languages = new List<string>();
        if (StringWithQualityHeaderValue.TryParseList(acceptLanguage?.Split(',') ?? [], out var parsed))
        {
            foreach (var tag in parsed.Where(value => value.Quality is not 0).OrderByDescending(value => value.Quality ?? 1).Take(MaxLanguages))
            {
                var language = tag.Value.ToString();
                if (!LanguageTag().IsMatch(language))
                {
                    continue;
                }

                Add(languages, language);
                if (language.IndexOf('-') is > 0 and var dash)
                {
                    Add(languages, language[..dash]);
                }
            }
        }

        Add(languages, Fallback);
        return languages;
    }

    // RFC 5646 in its common shape (language, then subtags); "*" and anything else are skipped.
    [GeneratedRegex("^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,3}$")]
    private static partial Regex LanguageTag();

    private static void Add(List<string> languages, string language)
    {
        if (!languages.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            languages.Add(language);
        }
    }
}
