using AaiProxy.Federation.Generation;
using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Upstream.Saml;
using AaiProxy.Server.Web;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Demo;

/// <summary><c>AaiProxy:Demo:GeneratedFederation</c>: a generated federation beside the demo IdP, so that the
/// discovery page of the demo looks like one in front of eduGAIN.</summary>
public sealed class DemoFederationOptions
{
    public const string SectionName = "AaiProxy:Demo:GeneratedFederation";

    /// <summary>Entities in the generated aggregate (about 60% IdPs); 0: none.</summary>
    public int Entities { get; set; }
}

/// <summary>
/// The demo's generated federation: a MAPS-signed aggregate written into the data directory (again when the
/// public origin changed or the file is a week old, long before its two-week validUntil) and added to
/// <c>AaiProxy:Saml:Federations</c> with its signer's certificate as the trust anchor, so the proxy reads it as it
/// reads eduGAIN. The generated IdPs' single sign-on services are a page of this demo that says what they are.
/// </summary>
internal sealed class DemoFederation(IOptions<ProxyOptions> proxy, IOptions<DemoFederationOptions> options, ListeningOrigins origins,
    TimeProvider time) : IPostConfigureOptions<SamlOptions>
{
    public const string Name = "Demo federation (generated)";
    public const string SingleSignOnPathPrefix = "/demo/generated-idp/";
    private static readonly TimeSpan RegenerateAfter = TimeSpan.FromDays(7);

    public void PostConfigure(string? name, SamlOptions saml)
    {
        if (options.Value.Entities <= 0 || saml.Federations.Any(federation => federation.Name == Name))
        {
            return;
        }

        var directory = Path.Combine(proxy.Value.DataDirectoryFullPath, "demo-federation");
        var aggregate = Path.Combine(directory, "aggregate.xml");
        var certificate = Path.Combine(directory, "signer.pem");
        var stamp = Path.Combine(directory, "generated-for.txt");
        var origin = origins.PublicOrigin(proxy.Value);
        var now = time.GetUtcNow();
        var wanted = $"{origin} {options.Value.Entities}";
        if (!File.Exists(aggregate) || !File.Exists(certificate) || !File.Exists(stamp) || File.ReadAllText(stamp) != wanted
            || now - File.GetLastWriteTimeUtc(aggregate) > RegenerateAfter)
        {
            Directory.CreateDirectory(directory);
            using var signer = GeneratedCertificates.Create("AaiProxy demo federation signer", 2048);
            var spec = new AggregateSpec
            {
                Entities = options.Value.Entities,
                ValidUntil = now.AddDays(14),
                Id = $"_demo-federation-{now:yyyyMMddHHmmss}",
                SingleSignOnLocation = index => new Uri($"{origin}{SingleSignOnPathPrefix}{index}/sso"),
            };
            File.WriteAllText(aggregate, TransformSigner.Sign(AggregateGenerator.Generate(spec), signer));
            File.WriteAllText(certificate, signer.ExportCertificatePem());
            File.WriteAllText(stamp, wanted);
        }

        saml.Federations.Add(new SamlFederationOptions { Name = Name, AggregateFile = aggregate, TrustAnchorCertificateFile = certificate });
    }
}

internal static class DemoFederationEndpoints
{
    public static IServiceCollection AddDemoFederation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoFederationOptions>().Bind(configuration.GetSection(DemoFederationOptions.SectionName))
            .Validate(options => options.Entities is >= 0 and <= 20_000, $"{DemoFederationOptions.SectionName}:Entities must be between 0 and 20000.")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<SamlOptions>, DemoFederation>();
        return services;
    }

    /// <summary>The single sign-on service of every generated IdP: a page that says which IdP the proxy sent the
    /// person to, with the AuthnRequest it received (the browser tests read it), and that it signs nobody in.</summary>
    public static IEndpointRouteBuilder MapDemoFederation(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DemoFederation.SingleSignOnPathPrefix + "{index:int}/sso", (HttpContext httpContext, int index) =>
        {
            string requestId, issuer;
            try
            {
                var request = httpContext.Request.DecodeSamlRedirect().Document.DocumentElement!;
                requestId = request.GetAttribute("ID");
                issuer = request.GetElementsByTagName("Issuer", SamlNamespaces.Assertion) is { Count: > 0 } found ? found[0]!.InnerText : "";
            }
            catch (SamlBindingException ex)
            {
                return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_authn_request", ex.Message, CorrelationId.Of(httpContext));
            }

            return HtmlPage.Render("A generated identity provider",
                $"""
                <p>You chose <strong data-generated-idp="{index}">{HtmlPage.Encode(AggregateGenerator.EnglishName(index))}</strong>, one of the demo
                federation's generated identity providers. The proxy sent it a real AuthnRequest
                (<code data-authn-request-id>{HtmlPage.Encode(requestId)}</code> from <code data-authn-request-issuer>{HtmlPage.Encode(issuer)}</code>),
                but a generated IdP cannot sign anyone in.</p>
                <p>Go back and choose <em>Demo identity provider</em> to sign in as one of the demo people.</p>
                """);
        });
        return endpoints;
    }
}
