using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Gate;

/// <summary>The data-download gate (<c>/gate/check</c>): configuration section <c>AaiProxy:Gate</c>.</summary>
public sealed class GateOptions
{
    public const string SectionName = "AaiProxy:Gate";

    /// <summary>The longest <see cref="DecisionCacheDuration"/> allowed: a membership or embargo change must show soon.</summary>
    public static readonly TimeSpan MaxDecisionCacheDuration = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The gate's resource indicator (RFC 8707): only access tokens whose <c>aud</c> holds it are accepted. It must be one
    /// of some client's <c>Resources</c> (e.g. the download service's client). Unset: the gate is off (<c>/gate/check</c> is 404).
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>Path templates mapping a download path to its proposal (<see cref="GatePathRules"/>).</summary>
    public List<string> PathRules { get; set; } = [];

    /// <summary>Open data (embargo ended) may be read without any token. Default false: open data needs a valid token.</summary>
    public bool AnonymousOpenData { get; set; }

    /// <summary>
    /// How long what the store says about a person and a proposal (team membership, embargo end) is reused. A membership
    /// or embargo change takes effect within this bound. Default 30 s; at most <see cref="MaxDecisionCacheDuration"/>; zero: no cache.
    /// </summary>
    public TimeSpan DecisionCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Browsers following a download link: the gate's own sign-in per download host (<see cref="GateSignInPaths"/>).</summary>
    public GateBrowserSignInOptions BrowserSignIn { get; set; } = new();

    public bool Enabled => !string.IsNullOrEmpty(Audience);

    /// <summary>The templates, <c>/data/{facility}/{proposal}/**</c> when none are configured.</summary>
    public IReadOnlyList<string> EffectivePathRules =>
        PathRules.Count > 0 ? PathRules : [$"/data/{GatePathRules.FacilityPlaceholder}/{GatePathRules.ProposalPlaceholder}/{GatePathRules.AnyRest}"];
}

/// <summary>Start-up validation of <see cref="GateOptions"/>: each message names the key to set.</summary>
internal sealed class GateOptionsValidator(IOptions<ProxyOptions> proxy) : IValidateOptions<GateOptions>
{
    public ValidateOptionsResult Validate(string? name, GateOptions options)
    {
        if (!options.Enabled)
            return options.BrowserSignIn.Enabled
                ? ValidateOptionsResult.Fail($"{GateBrowserSignInOptions.SectionName}:ClientId is set but {GateOptions.SectionName}:Audience is not: the browser sign-in is for the gate, set the gate's audience.")
                : ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Audience, UriKind.Absolute, out var audience) || audience.Fragment.Length > 0)
            failures.Add($"{GateOptions.SectionName}:Audience '{options.Audience}' is not an absolute URI without a fragment (RFC 8707).");
        else if (!proxy.Value.Clients.Any(client => client.Resources.Contains(options.Audience!, StringComparer.Ordinal)))
            failures.Add($"{GateOptions.SectionName}:Audience '{options.Audience}' is no client's resource, so no token can be for the gate: list it in the download service client's Resources.");

        GatePathRules.Parse(options.EffectivePathRules, out var problems);
        failures.AddRange(problems.Select(problem => $"{GateOptions.SectionName}:PathRules: {problem}."));

        failures.AddRange(GateBrowserSignInValidation.Validate(options, proxy.Value));

        if (options.DecisionCacheDuration < TimeSpan.Zero || options.DecisionCacheDuration > GateOptions.MaxDecisionCacheDuration)
            failures.Add($"{GateOptions.SectionName}:DecisionCacheDuration must be between 00:00:00 and {GateOptions.MaxDecisionCacheDuration:c}, so changes take effect soon.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
