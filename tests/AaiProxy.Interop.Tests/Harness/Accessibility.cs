using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// WCAG 2.1 A and AA checks of the page the browser shows, by axe-core (npm, installed by
/// tests/peers/axe-core.sh) injected into it. A violation fails the test with what axe says and where.
/// </summary>
internal static class Accessibility
{
    private const string Run = """
        async () => {
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return {
            passes: result.passes.length,
            violations: result.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary.replaceAll('\n', ' ')) })) };
        }
        """;

    /// <summary>Checks the current page; <paramref name="what"/> names it in the failure.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, ITestOutputHelper output, string what)
    {
        var printed = await PeerScript.RunAsync(output, "axe-core.sh", "install");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = printed["script"] });
        var result = await page.EvaluateAsync<JsonElement>(Run);
        var violations = result.GetProperty("violations");
        output.WriteLine($"axe on {what} ({page.Url}): {result.GetProperty("passes").GetInt32()} rules passed, {violations.GetArrayLength()} violated");
        if (violations.GetArrayLength() == 0)
        {
            return;
        }

        var report = new StringBuilder($"axe-core found WCAG 2.1 AA violations on {what} ({page.Url}):");
        foreach (var violation in violations.EnumerateArray())
        {
            report.Append("\n- ").Append(violation.GetProperty("id").GetString()).Append(" (").Append(violation.GetProperty("impact").GetString())
                .Append("): ").Append(violation.GetProperty("help").GetString());
            foreach (var node in violation.GetProperty("nodes").EnumerateArray())
            {
                report.Append("\n    ").Append(node.GetString());
            }
        }

        Assert.Fail(report.ToString());
    }
}
