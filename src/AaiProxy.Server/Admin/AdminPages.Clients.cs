using System.Text;
using AaiProxy.Groups;
using AaiProxy.Identity;
using AaiProxy.Server.Clients;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Admin;

/// <summary>
/// Service onboarding for facility and platform admins: the clients they manage, registering one, changing it and rotating
/// its secret, all through <see cref="ClientAdministration"/> (which decides rights, validates and audits). A new or rotated
/// secret is shown on the answering page only, once. Clients declared in configuration are shown read-only.
/// </summary>
internal static partial class AdminPages
{
    public const string ClientsPath = GroupLinks.AdminBasePath + "/clients";
    private const string NewClientPath = ClientsPath + "/new";

    public static string ClientPath(string clientId) => $"{ClientsPath}/{Uri.EscapeDataString(clientId)}";

    private static readonly string[] FormGrants = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials, GrantTypes.DeviceCode];

    private static void MapClientPages(RouteGroupBuilder admin)
    {
        admin.MapGet("/clients", ClientsAsync);
        admin.MapGet("/clients/new", NewClientAsync);
        admin.MapPost("/clients/new", CreateClientAsync);
        admin.MapGet("/clients/{clientId}", ClientAsync);
        admin.MapPost("/clients/{clientId}", UpdateClientAsync);
        admin.MapPost("/clients/{clientId}/rotate-secret", RotateClientSecretAsync);
    }

    private static async Task<IResult> ClientsAsync(HttpContext httpContext, AdminGate gate, ClientAdministration clients)
    {
        var (actor, response) = await gate.EnterAsync(httpContext, ClientsPath);
        if (actor is null)
            return response!;
        if (await clients.ListAsync(actor, httpContext.RequestAborted) is not Outcome<IReadOnlyList<ClientView>>.Ok { Value: var views })
            return AdminHtml.Problem(httpContext, StatusCodes.Status403Forbidden, "Not allowed", "Only facility and platform admins manage clients.", GroupLinks.AdminBasePath);

        var body = new StringBuilder($"""<p><a href="{NewClientPath}" id="new-client">Register a client</a></p>""");
        body.Append(views.Count == 0
            ? "<p>You manage no client yet.</p>"
            : AdminHtml.Table("Clients", ["Client id", "Name", "Type", "Managed by"],
                views.Select(view => (IReadOnlyList<string>)
                [
                    $"<a href=\"{HtmlPage.Encode(ClientPath(view.ClientId))}\"><code>{HtmlPage.Encode(view.ClientId)}</code></a>",
                    HtmlPage.Encode(view.Registration.ClientName), HtmlPage.Encode(view.Registration.ClientType), ManagedBy(view),
                ])));
        return AdminHtml.Page("Clients", body.ToString());
    }

    private static async Task<IResult> NewClientAsync(HttpContext httpContext, AdminGate gate, FacilityCatalog facilities)
    {
        var (actor, response) = await gate.EnterAsync(httpContext, NewClientPath);
        if (actor is null)
            return response!;
        var blank = new ClientInput { GrantTypes = [GrantTypes.AuthorizationCode], Scopes = ["openid", "profile", "email"], RequirePkce = true };
        return AdminHtml.Page("Register a client", ClientForm(httpContext, gate, facilities, blank, NewClientPath, isNew: true, version: null, problems: []));
    }

    private static async Task<IResult> CreateClientAsync(HttpContext httpContext, AdminGate gate, ClientAdministration clients, FacilityCatalog facilities)
    {
        var (actor, response) = await gate.EnterAsync(httpContext, NewClientPath);
        if (actor is null)
            return response!;
        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        var input = ReadClientForm(form, isNew: true, current: null);
        return await clients.CreateAsync(actor, input, httpContext.RequestAborted) switch
        {
            Outcome<IssuedClient>.Ok { Value: var issued } => SecretPage("Client registered", issued),
            Outcome<IssuedClient>.Failed { Failure: Failure.Invalid invalid } => AdminHtml.Page("Register a client",
                ClientForm(httpContext, gate, facilities, input, NewClientPath, isNew: true, version: null, invalid.Problems), StatusCodes.Status400BadRequest),
            Outcome<IssuedClient>.Failed { Failure: var failure } => AdminHtml.Failed(httpContext, failure, NewClientPath),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };
    }

    private static async Task<IResult> ClientAsync(HttpContext httpContext, AdminGate gate, ClientAdministration clients, FacilityCatalog facilities,
        string clientId, string? done)
    {
        var page = ClientPath(clientId);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var read = await clients.GetAsync(actor, clientId, httpContext.RequestAborted);
        if (read is not Outcome<ClientView>.Ok { Value: var view })
            return AdminHtml.Failed(httpContext, ((Outcome<ClientView>.Failed)read).Failure, ClientsPath);
        return AdminHtml.Page($"Client {clientId}", AdminHtml.Notice(done) + ClientDetails(httpContext, gate, facilities, view, []));
    }

    private static async Task<IResult> UpdateClientAsync(HttpContext httpContext, AdminGate gate, ClientAdministration clients, FacilityCatalog facilities, string clientId)
    {
        var page = ClientPath(clientId);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var read = await clients.GetAsync(actor, clientId, httpContext.RequestAborted);
        if (read is not Outcome<ClientView>.Ok { Value: var view })
            return AdminHtml.Failed(httpContext, ((Outcome<ClientView>.Failed)read).Failure, ClientsPath);
        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        var input = ReadClientForm(form, isNew: false, current: view.Registration);
        return await clients.UpdateAsync(actor, clientId, input, form["version"].ToString(), httpContext.RequestAborted) switch
        {
            Outcome<ClientView>.Ok => AdminHtml.Done(page, "client-updated"),
            Outcome<ClientView>.Failed { Failure: Failure.Invalid invalid } => AdminHtml.Page($"Client {clientId}",
                ClientDetails(httpContext, gate, facilities, view with { Registration = input }, invalid.Problems), StatusCodes.Status400BadRequest),
            Outcome<ClientView>.Failed { Failure: var failure } => AdminHtml.Failed(httpContext, failure, page),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };
    }

    private static async Task<IResult> RotateClientSecretAsync(HttpContext httpContext, AdminGate gate, ClientAdministration clients, string clientId)
    {
        var page = ClientPath(clientId);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        return await clients.RotateSecretAsync(actor, clientId, httpContext.RequestAborted) switch
        {
            Outcome<IssuedClient>.Ok { Value: var issued } => SecretPage("New client secret", issued),
            Outcome<IssuedClient>.Failed { Failure: var failure } => AdminHtml.Failed(httpContext, failure, page),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };
    }

    private static IResult SecretPage(string title, IssuedClient issued)
    {
        var secret = issued.ClientSecret is { } value
            ? $"""
              <p>The client secret is shown <strong>this once</strong>: copy it into the service's configuration now. The proxy keeps only its hash.</p>
              <p><label for="client-secret">Client secret of <code>{HtmlPage.Encode(issued.Client.ClientId)}</code></label>
              <input type="text" id="client-secret" data-testid="client-secret" readonly size="50" value="{HtmlPage.Encode(value)}"></p>
              """
            : "<p>A public client has no secret: it proves itself with PKCE.</p>";
        return AdminHtml.Page(title, $"""
            <p role="status" data-testid="notice"><strong>{HtmlPage.Encode(title)}: <code>{HtmlPage.Encode(issued.Client.ClientId)}</code>.</strong></p>
            {secret}
            <p><a href="{HtmlPage.Encode(ClientPath(issued.Client.ClientId))}">The client's page</a></p>
            """);
    }

    private static string ClientDetails(HttpContext httpContext, AdminGate gate, FacilityCatalog facilities, ClientView view, IReadOnlyList<ManagementProblem> problems)
    {
        var page = ClientPath(view.ClientId);
        if (view.ReadOnly)
            return $"""
                <p data-testid="managed-by-configuration">This client is <strong>managed by configuration</strong> (the proxy's configuration files): it is shown here, and changed only there.</p>
                <dl><dt>Name</dt><dd>{HtmlPage.Encode(view.Registration.ClientName)}</dd><dt>Type</dt><dd>{HtmlPage.Encode(view.Registration.ClientType)}</dd>
                <dt>Redirect URIs</dt><dd>{HtmlPage.Encode(string.Join(" ", view.Registration.RedirectUris ?? []))}</dd>
                <dt>Grants</dt><dd>{HtmlPage.Encode(string.Join(" ", view.Registration.GrantTypes ?? []))}</dd>
                <dt>Scopes</dt><dd>{HtmlPage.Encode(string.Join(" ", view.Registration.Scopes ?? []))}</dd></dl>
                """;
        var rotate = view.Registration.ClientType == ClientTypes.Confidential
            ? $"""
              <h2>Client secret</h2>
              <p>A new secret replaces the current one at once: the service must be given the new one.</p>
              <form method="post" action="{HtmlPage.Encode(page)}/rotate-secret">{gate.AntiforgeryField(httpContext)}<button type="submit" id="rotate-secret">Rotate the secret</button></form>
              """
            : "";
        return $"<p>Managed by {ManagedBy(view)}.</p>" + ClientForm(httpContext, gate, facilities, view.Registration, page, isNew: false, view.Version, problems) + rotate;
    }

    private static string ManagedBy(ClientView view) => view.ManagedBy == ClientView.ByConfiguration
        ? "configuration (read-only)"
        : HtmlPage.Encode(view.ManagedBy.Replace("facility:", "facility ", StringComparison.Ordinal));

    private static string ClientForm(HttpContext httpContext, AdminGate gate, FacilityCatalog facilities, ClientInput input, string action, bool isNew,
        string? version, IReadOnlyList<ManagementProblem> problems)
    {
        var html = new StringBuilder();
        if (problems.Count > 0)
        {
            html.Append("<div role=\"alert\" data-testid=\"problem\"><p>Please correct the form:</p><ul>");
            foreach (var problem in problems)
                html.Append("<li><code>").Append(HtmlPage.Encode(problem.Field)).Append("</code>: ").Append(HtmlPage.Encode(problem.Message)).Append("</li>");
            html.Append("</ul></div>");
        }

        html.Append($"<form method=\"post\" action=\"{HtmlPage.Encode(action)}\">").Append(gate.AntiforgeryField(httpContext));
        if (version is not null)
            html.Append($"<input type=\"hidden\" name=\"version\" value=\"{HtmlPage.Encode(version)}\">");
        if (isNew)
        {
            html.Append(TextField("client_id", "Client id (3 to 64 letters, digits, '.', '_' or '-')", input.ClientId, required: true));
            html.Append("<p><label for=\"client_type\">Type</label> <select id=\"client_type\" name=\"client_type\">")
                .Append(Option(ClientTypes.Confidential, "Confidential (a server that keeps a secret)", input.ClientType ?? ClientTypes.Confidential))
                .Append(Option(ClientTypes.Public, "Public (a browser or command-line program: PKCE, no secret)", input.ClientType ?? ClientTypes.Confidential))
                .Append("</select></p>");
            html.Append("<p><label for=\"facility\">Facility whose admins manage it</label> <select id=\"facility\" name=\"facility\">")
                .Append(Option("", "(none: platform admins only)", input.Facility ?? ""));
            foreach (var facility in facilities.All)
                html.Append(Option(facility.Code, facility.Code, input.Facility ?? ""));
            html.Append("</select></p>");
        }

        html.Append(TextField("client_name", "Name shown to people", input.ClientName, required: false));
        html.Append(Lines("redirect_uris", "Redirect URIs (one a line, exactly as the service sends them)", input.RedirectUris));
        html.Append(Lines("post_logout_redirect_uris", "Post-logout redirect URIs (one a line)", input.PostLogoutRedirectUris));
        html.Append("<fieldset><legend>Grants</legend>");
        foreach (var grant in FormGrants)
        {
            var id = "grant-" + grant.Replace(':', '-').Replace('_', '-');
            var isChecked = input.GrantTypes?.Contains(grant) == true ? " checked" : "";
            html.Append($"<p><input type=\"checkbox\" id=\"{HtmlPage.Encode(id)}\" name=\"grant_types\" value=\"{HtmlPage.Encode(grant)}\"{isChecked}> <label for=\"{HtmlPage.Encode(id)}\">{HtmlPage.Encode(grant)}</label></p>");
        }

        html.Append("</fieldset>");
        html.Append(TextField("scopes", $"Scopes (separated by spaces; any of {string.Join(' ', ClaimTable.Scopes)})", string.Join(' ', input.Scopes ?? []), required: false));
        html.Append(Lines("resources", "Resources: services of this deployment the tokens may be for (one a line)", input.Resources));
        html.Append(TextField("backchannel_logout_uri", "Back-channel logout URI", input.BackChannelLogoutUri, required: false));
        html.Append(Lines("contacts", "Contacts: e-mail addresses of the service's operators (one a line)", input.Contacts));
        html.Append(TextField("group_facilities", "Groups the service sees: facility codes (separated by spaces; empty: none)", string.Join(' ', input.Groups?.Facilities ?? []), required: false));
        html.Append(TextField("group_prefixes", "…and groups below these paths (separated by spaces, e.g. /pan/demo/team)", string.Join(' ', input.Groups?.GroupPrefixes ?? []), required: false));
        html.Append(TextField("plain_claim_name", "Plain groups claim name (e.g. accessGroups; empty: none)", input.Groups?.PlainClaimName, required: false));
        html.Append("<p><label for=\"plain_claim_form\">Plain groups claim values</label> <select id=\"plain_claim_form\" name=\"plain_claim_form\">");
        foreach (var form in Enum.GetNames<PlainGroupsValueForm>())
            html.Append(Option(form, form, input.Groups?.PlainClaimForm ?? nameof(PlainGroupsValueForm.ProposalId)));
        html.Append("</select></p>");
        html.Append("<p><label for=\"access_token_format\">Access tokens</label> <select id=\"access_token_format\" name=\"access_token_format\">")
            .Append(Option(AccessTokenFormats.Jwt, "JWT (validated by the service with the proxy's keys)", input.AccessTokenFormat ?? AccessTokenFormats.Jwt))
            .Append(Option(AccessTokenFormats.Reference, "Reference (opaque; checked by introspection, revocation at once)", input.AccessTokenFormat ?? AccessTokenFormats.Jwt))
            .Append("</select></p>");
        var pkce = input.RequirePkce != false ? " checked" : "";
        html.Append($"<p><input type=\"checkbox\" id=\"require_pkce\" name=\"require_pkce\" value=\"true\"{pkce}> <label for=\"require_pkce\">Require PKCE (always for public clients)</label></p>");
        html.Append($"<p><button type=\"submit\" id=\"save-client\">{(isNew ? "Register the client" : "Save the changes")}</button></p></form>");
        return html.ToString();
    }

    private static ClientInput ReadClientForm(IFormCollection form, bool isNew, ClientInput? current)
    {
        var groupFacilities = Words(form["group_facilities"]);
        var prefixes = Words(form["group_prefixes"]);
        var plainClaim = Blank(form["plain_claim_name"]);
        return new ClientInput
        {
            ClientId = isNew ? Blank(form["client_id"]) : current!.ClientId,
            ClientType = isNew ? Blank(form["client_type"]) : current!.ClientType,
            Facility = isNew ? Blank(form["facility"]) : current!.Facility,
            ClientName = Blank(form["client_name"]),
            RedirectUris = Words(form["redirect_uris"]),
            PostLogoutRedirectUris = Words(form["post_logout_redirect_uris"]),
            GrantTypes = [.. form["grant_types"].OfType<string>()],
            Scopes = Words(form["scopes"]),
            Resources = Words(form["resources"]),
            BackChannelLogoutUri = Blank(form["backchannel_logout_uri"]),
            Contacts = Words(form["contacts"]),
            RequirePkce = form["require_pkce"] == "true",
            Native = current?.Native,
            DefaultResource = current?.DefaultResource,
            AccessTokenFormat = Blank(form["access_token_format"]),
            Groups = groupFacilities.Count == 0 && prefixes.Count == 0 && plainClaim is null && current?.Groups?.AllGroups != true
                ? null
                : new GroupsInput
                {
                    AllGroups = current?.Groups?.AllGroups, Facilities = groupFacilities, GroupPrefixes = prefixes,
                    PlainClaimName = plainClaim, PlainClaimForm = plainClaim is null ? null : Blank(form["plain_claim_form"]),
                },
        };
    }

    private static List<string> Words(string? text) =>
        [.. (text ?? "").Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string TextField(string name, string label, string? value, bool required) =>
        $"<p><label for=\"{name}\">{HtmlPage.Encode(label)}</label> <input type=\"text\" id=\"{name}\" name=\"{name}\" value=\"{HtmlPage.Encode(value)}\" size=\"60\" autocomplete=\"off\"{(required ? " required" : "")}></p>";

    private static string Lines(string name, string label, IReadOnlyList<string>? values) =>
        $"<p><label for=\"{name}\">{HtmlPage.Encode(label)}</label><br><textarea id=\"{name}\" name=\"{name}\" rows=\"3\" cols=\"60\">{HtmlPage.Encode(string.Join('\n', values ?? []))}</textarea></p>";

    private static string Option(string value, string text, string selected) =>
        $"<option value=\"{HtmlPage.Encode(value)}\"{(value == selected ? " selected" : "")}>{HtmlPage.Encode(text)}</option>";
}
