using System.Buffers.Text;
using System.Security.Cryptography;
using AaiProxy.Data;
using AaiProxy.Groups;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Oidc;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace AaiProxy.Server.Clients;

/// <summary>
/// Service onboarding as every front (REST API, admin pages, operator CLI) calls it: a validated registration becomes an
/// OpenIddict application with the proxy's own per-client settings (<see cref="ClientDescriber.DescribeManaged"/>, the
/// mapping declared clients use too), and every change is audited in the same transaction (<c>client.created</c>,
/// <c>client.updated</c>, <c>client.secret_rotated</c>, with the actor). A facility admin (or the facility's user office)
/// manages the clients of their facilities; platform admins and operators every managed client. Clients declared in
/// configuration are shown read-only: the <see cref="ClientSeeder"/> stays their source of truth.
/// </summary>
internal sealed class ClientAdministration(
    IOpenIddictApplicationManager applications, ProxyDbContext db, IAuditLog audit, ClientCatalog catalog, ClientDescriber describer,
    GroupAdministration groups, FacilityCatalog facilities, IOptions<ProxyOptions> options, IOptionsMonitor<OpenIddictServerOptions> server)
{
    private const int SecretBytes = 32;

    /// <summary>The clients the actor may see: a platform admin's and operator's all (declared ones read-only), a facility admin's
    /// those of their facilities; by client id.</summary>
    public async Task<Outcome<IReadOnlyList<ClientView>>> ListAsync(ManagementActor actor, CancellationToken cancellationToken)
    {
        if (await AdministeredAsync(actor, cancellationToken) is not { } rights)
            return NotAnAdmin();
        await catalog.RefreshAsync(cancellationToken);
        var managed = catalog.Managed.Where(client => rights.Covers(client.Facility)).Select(View);
        var configured = rights.All ? catalog.Configured.Select(ConfiguredView) : [];
        return Outcome(configured.Concat(managed).OrderBy(view => view.ClientId, StringComparer.Ordinal).ToList());
    }

    public async Task<Outcome<ClientView>> GetAsync(ManagementActor actor, string clientId, CancellationToken cancellationToken)
    {
        if (await AdministeredAsync(actor, cancellationToken) is not { } rights)
            return NotAnAdmin();
        if (catalog.IsConfigured(clientId))
            return rights.All ? ConfiguredView(catalog.Find(clientId)!) : NotFound(clientId);
        var (_, managed, failure) = await ManagedAsync(rights, clientId, cancellationToken);
        return failure is not null ? failure : View(managed!);
    }

    /// <summary>Registers a client; a confidential one gets a secret, returned here once.</summary>
    public async Task<Outcome<IssuedClient>> CreateAsync(ManagementActor actor, ClientInput input, CancellationToken cancellationToken)
    {
        if (await AdministeredAsync(actor, cancellationToken) is not { } rights)
            return NotAnAdmin();
        if (input.Facility is { } facility && !rights.Covers(facility))
            return new Failure.Forbidden($"You do not administer facility '{facility}'.");
        var problems = new List<ManagementProblem>();
        if (ClientRules.Validate(input, Context(rights), problems) is not { } settings)
            return new Failure.Invalid(problems);
        if (catalog.IsConfigured(settings.ClientId) || await applications.FindByClientIdAsync(settings.ClientId, cancellationToken) is not null)
            return new Failure.Conflict($"The client id '{settings.ClientId}' is taken.", PreconditionFailed: false);

        var client = new ManagedClient(settings, input.Facility);
        var secret = settings.Type == ClientType.Confidential ? NewSecret() : null;
        var descriptor = describer.DescribeManaged(client, secret);
        await ClientDescriber.InTransactionAsync(db, async () =>
        {
            await applications.CreateAsync(descriptor, cancellationToken);
            await audit.RecordAsync(new AuditEvent(actor.AuditName, AuditActions.ClientCreated, settings.ClientId, ClientAuditFields.Created(descriptor)),
                cancellationToken);
        }, cancellationToken);
        catalog.Put(client);
        return new IssuedClient(View(client), secret);
    }

    /// <summary>Replaces a managed client's registration with <paramref name="input"/> (its id, type and facility stay);
    /// <paramref name="ifMatch"/>: the <see cref="ClientView.Version"/> the change was made to (null: whatever is current).</summary>
    public async Task<Outcome<ClientView>> UpdateAsync(ManagementActor actor, string clientId, ClientInput input, string? ifMatch,
        CancellationToken cancellationToken)
    {
        if (await AdministeredAsync(actor, cancellationToken) is not { } rights)
            return NotAnAdmin();
        var (application, current, failure) = await ManagedAsync(rights, clientId, cancellationToken);
        if (failure is not null)
            return failure;
        if (ifMatch is not null && ifMatch != View(current!).Version)
            return new Failure.Conflict("The client has changed since you read it: read it again and repeat the change.", PreconditionFailed: true);
        var was = ClientInput.Of(current!.Settings, current.Facility);
        var immutable = new[] { ("client_id", was.ClientId, input.ClientId), ("client_type", was.ClientType, input.ClientType ?? was.ClientType), ("facility", was.Facility, input.Facility) }
            .Where(field => field.Item2 != field.Item3)
            .Select(field => new ManagementProblem(field.Item1, ClientProblemCodes.Immutable, $"{field.Item1} cannot change: register a new client instead."))
            .ToList();
        if (immutable.Count > 0)
            return new Failure.Invalid(immutable);
        var problems = new List<ManagementProblem>();
        if (ClientRules.Validate(input, Context(rights), problems) is not { } settings)
            return new Failure.Invalid(problems);

        var client = new ManagedClient(settings, current.Facility);
        var stored = new ProxyApplicationDescriptor();
        await applications.PopulateAsync(stored, application!, cancellationToken);
        // The stored hash: OpenIddict sees the secret unchanged and keeps it.
        var descriptor = describer.DescribeManaged(client, stored.ClientSecret);
        var changes = ClientAuditFields.Changed(stored, descriptor, secretChanged: false);
        if (changes.Count > 0)
        {
            await ClientDescriber.InTransactionAsync(db, async () =>
            {
                await applications.UpdateAsync(application!, descriptor, cancellationToken);
                await audit.RecordAsync(new AuditEvent(actor.AuditName, AuditActions.ClientUpdated, clientId, changes), cancellationToken);
            }, cancellationToken);
            catalog.Put(client);
        }

        return View(client);
    }

    /// <summary>Gives a confidential managed client a new secret, returned here once; the old one stops working at once.</summary>
    public async Task<Outcome<IssuedClient>> RotateSecretAsync(ManagementActor actor, string clientId, CancellationToken cancellationToken)
    {
        if (await AdministeredAsync(actor, cancellationToken) is not { } rights)
            return NotAnAdmin();
        var (application, current, failure) = await ManagedAsync(rights, clientId, cancellationToken);
        if (failure is not null)
            return failure;
        if (current!.Settings.Type != ClientType.Confidential)
            return new Failure.Conflict($"'{clientId}' is a public client: it has no secret.", PreconditionFailed: false);

        var secret = NewSecret();
        var descriptor = new ProxyApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application!, cancellationToken);
        descriptor.ClientSecret = secret;
        await ClientDescriber.InTransactionAsync(db, async () =>
        {
            await applications.UpdateAsync(application!, descriptor, cancellationToken);
            await audit.RecordAsync(new AuditEvent(actor.AuditName, AuditActions.ClientSecretRotated, clientId,
                new Dictionary<string, string> { [ClientAuditFields.ClientSecret] = "changed" }), cancellationToken);
        }, cancellationToken);
        return new IssuedClient(View(current), secret);
    }

    private async Task<(object? Application, ManagedClient? Client, Failure? Failure)> ManagedAsync(
        Rights rights, string clientId, CancellationToken cancellationToken)
    {
        if (catalog.IsConfigured(clientId))
            return (null, null, rights.All
                ? new Failure.Forbidden($"'{clientId}' is managed by configuration: change it in the configuration files.")
                : NotFound(clientId));
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        var client = application is null ? null : ClientDescriber.ReadManaged(await applications.GetPropertiesAsync(application, cancellationToken));
        if (client is null)
            return (null, null, NotFound(clientId));
        return rights.Covers(client.Facility)
            ? (application, client, null)
            : (null, null, new Failure.Forbidden($"'{clientId}' belongs to facility '{client.Facility ?? "(none)"}', which you do not administer."));
    }

    private async Task<Rights?> AdministeredAsync(ManagementActor actor, CancellationToken cancellationToken)
    {
        if (actor.IsOperator)
            return new Rights(null);
        var facilities = await groups.AdministeredFacilitiesAsync(actor, cancellationToken);
        return facilities is { Count: 0 } ? null : new Rights(facilities);
    }

    private ClientRuleContext Context(Rights rights) =>
        new(server.CurrentValue.Resources.Select(resource => resource.OriginalString).ToHashSet(StringComparer.Ordinal),
            options.Value.Api.Resource, facilities, rights.Facilities, options.Value.AllowInsecureHttp);

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    private static ClientView View(ManagedClient client) => new(ClientInput.Of(client.Settings, client.Facility), ClientView.ManagedByOf(client.Facility));

    private static ClientView ConfiguredView(ClientOptions client) => new(ClientInput.Of(client, facility: null), ClientView.ByConfiguration);

    private static Failure NotAnAdmin() => new Failure.Forbidden("Only facility and platform admins manage clients.");

    private static Failure NotFound(string clientId) => new Failure.NotFound($"No client you manage has the id '{clientId}'.");

    private static Outcome<IReadOnlyList<ClientView>> Outcome(IReadOnlyList<ClientView> views) => new Outcome<IReadOnlyList<ClientView>>.Ok(views);

    /// <param name="Facilities">The facilities administered; null: every facility and the clients of none.</param>
    private sealed record Rights(IReadOnlyList<string>? Facilities)
    {
        public bool All => Facilities is null;

        public bool Covers(string? facility) => Facilities is null || (facility is not null && Facilities.Contains(facility, StringComparer.Ordinal));
    }
}
