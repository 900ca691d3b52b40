using System.Net;
using System.Text.RegularExpressions;
using AaiProxy.Data;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>
/// The demo with registration Interactive (AUP version v1) and extra demo people: newcomers (not pre-registered) and
/// pre-registered ones, so that each test has people of its own.
/// </summary>
public sealed class InteractiveRegistrationFixture : ProxyFixture
{
    public const string AupVersion = "v1";

    /// <summary>demo.json has alice, bob, carol, dana (0–3); these follow.</summary>
    public static readonly (string Name, bool PreRegistered, string? Email)[] ExtraPeople =
    [
        ("erin", false, null),
        ("frank", false, "frank@newlab.example.com"),
        ("gina", false, null),
        ("ivan", true, "ivan@newlab.example.com"),
        ("judy", true, null),
        ("kim", true, null),
        ("leo", false, "leo@mail.example.net"),
        ("mia", true, "mia@newlab.example.com"),
    ];

    protected override IReadOnlyDictionary<string, string> Overrides => Settings(AupVersion);

    public static Dictionary<string, string> Settings(string aupVersion)
    {
        var settings = new Dictionary<string, string>
        {
            ["AaiProxy:Registration:Mode"] = "Interactive",
            ["AaiProxy:Registration:Aup:Version"] = aupVersion,
            ["AaiProxy:Registration:Aup:Text"] = "Be nice. Version " + aupVersion + ".",
        };
        for (var i = 0; i < ExtraPeople.Length; i++)
        {
            var (name, preRegistered, email) = ExtraPeople[i];
            var key = $"AaiProxy:Demo:Users:{i + 4}";
            settings[$"{key}:Username"] = name;
            settings[$"{key}:DisplayName"] = name;
            settings[$"{key}:PreRegistered"] = preRegistered ? "true" : "false";
            settings[$"{key}:Attributes:subject_id:0"] = $"{name}@newlab.example.com";
            settings[$"{key}:Attributes:given_name:0"] = name;
            if (email is not null)
            {
                settings[$"{key}:Attributes:email:0"] = email;
            }
        }

        return settings;
    }
}

internal static partial class AccountSteps
{
    /// <summary>The demo IdP's entity ID in the tests (the only upstream choice there).</summary>
    public const string DemoIdentityProvider = ProxyFactory.Origin + "/demo-idp";

    /// <summary>The first antiforgery field of a page and the other hidden fields of the form posted to <paramref name="action"/>.</summary>
    public static Dictionary<string, string> Form(string html, string action)
    {
        var form = FormElement().Matches(html).First(match => WebUtility.HtmlDecode(match.Groups[1].Value) == action).Value;
        return UpstreamLogin.HiddenFields(form);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string html, string action, params (string Name, string Value)[] fields)
    {
        var form = Form(html, action);
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        return await browser.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>Starts the demo portal's authorization request and signs in upstream as <paramref name="user"/>: where the ACS sends the browser.</summary>
    public static async Task<(Uri Next, string AuthorizeUrl)> SignInUpstreamAsync(HttpClient browser, string user)
    {
        var authorizeUrl = Saml.SamlBrowserSteps.AuthorizeUrl();
        using var response = await browser.GetAsync(authorizeUrl);
        var next = await UpstreamLogin.SignInAsync(browser, new Uri(browser.BaseAddress!, response.Headers.Location!), user);
        return (next, authorizeUrl);
    }

    public static async Task<string> PageAsync(HttpClient browser, string path)
    {
        using var response = await browser.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<T> WithDbAsync<T>(ProxyFactory factory, Func<ProxyDbContext, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ProxyDbContext>());
    }

    public static Task<int> LinksOfSubjectAsync(ProxyFactory factory, string subject) =>
        WithDbAsync(factory, db => db.UpstreamLinks.CountAsync(link => link.Subject == subject));

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\">.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormElement();
}
