using System.Security.Cryptography;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Session;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Accounts;

internal static class AccountsServiceCollectionExtensions
{
    /// <summary>Registration, the account page, account administration, pairwise subjects and assurance.</summary>
    public static IServiceCollection AddProxyAccounts(this IServiceCollection services)
    {
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistrationOptions>, RegistrationOptionsValidator>();
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccountsOptions>, AccountsOptionsValidator>();
        services.AddOptions<AssuranceOptions>().BindConfiguration("AaiProxy:Assurance");
        services.AddSingleton(provider => WithOrigin(provider.GetRequiredService<IOptions<AssuranceOptions>>().Value,
            provider.GetRequiredService<ListeningOrigins>().PublicOrigin(provider.GetRequiredService<IOptions<ProxyOptions>>().Value)));
        services.AddSingleton<IUpstreamDomains, UpstreamDomains>();
        services.AddSingleton(provider => CreatePairwiseSubjects(
            provider.GetRequiredService<IOptions<ProxyOptions>>().Value, provider.GetRequiredService<IOptions<AccountsOptions>>().Value));
        services.AddScoped<IClaimsEnricher, AssuranceEnricher>();
        services.AddScoped<AccountAdministration>();
        services.AddScoped<Consents>();
        services.AddScoped<RegistrationPages>();
        services.AddSingleton<VerificationLinks>();
        services.AddSingleton<RetentionService>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionService>());
        services.PostConfigure<CookieAuthenticationOptions>(SessionDefaults.Scheme, options => SessionValidation.Attach(options.Events));
        return services;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapRegistration().MapAccountPage();

    /// <summary><c>{origin}</c> in an issuer stands for the proxy's public origin (the embedded demo IdP is under it).</summary>
    private static AssuranceOptions WithOrigin(AssuranceOptions options, string publicOrigin) => new()
    {
        Issuers = [.. options.Issuers.Select(issuer => new AssuranceIssuerOptions
        {
            Issuer = issuer.Issuer.Replace(ClientOptions.OriginPlaceholder, publicOrigin, StringComparison.Ordinal),
            TrustAssurance = issuer.TrustAssurance,
            Sirtfi = issuer.Sirtfi,
        })],
    };

    private static PairwiseSubjects CreatePairwiseSubjects(ProxyOptions proxy, AccountsOptions accounts)
    {
        var sectors = proxy.Clients.Where(client => !string.IsNullOrWhiteSpace(client.SectorIdentifier))
            .ToDictionary(client => client.ClientId, client => client.SectorIdentifier!, StringComparer.Ordinal);
        if (sectors.Count == 0)
        {
            return PairwiseSubjects.None;
        }

        var file = accounts.PairwiseSecretFile ?? Path.Combine(proxy.DataDirectoryFullPath, "pairwise-subject.key");
        if (accounts.PairwiseSecretFile is null && !File.Exists(file))
        {
            AaiProxy.Server.Storage.PrivateFiles.Write(file, RandomNumberGenerator.GetBytes(32));
        }

        return new PairwiseSubjects(File.ReadAllBytes(file), sectors);
    }
}

internal sealed class AccountsOptionsValidator : IValidateOptions<AccountsOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountsOptions options) =>
        options.Validate().ToList() is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}

internal sealed class RegistrationOptionsValidator : IValidateOptions<RegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistrationOptions options) =>
        options.Validate().ToList() is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
