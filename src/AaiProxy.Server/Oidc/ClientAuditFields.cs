using OpenIddict.Abstractions;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The audited fields of a client, named as in OAuth dynamic client registration (RFC 7591 §2). The
/// secret is never one of them: its audit value is only <c>"set"</c> or <c>"changed"</c>.
/// </summary>
internal static class ClientAuditFields
{
    public const string ClientSecret = "client_secret";

    /// <summary>Every audited field of a new client.</summary>
    public static Dictionary<string, string> Created(OpenIddictApplicationDescriptor client)
    {
        var fields = Read(client);
        if (client.ClientSecret is not null)
        {
            fields[ClientSecret] = "set";
        }

        return fields;
    }

    /// <summary>The audited fields whose configured value differs from the stored one, with their new values.</summary>
    public static Dictionary<string, string> Changed(OpenIddictApplicationDescriptor stored, OpenIddictApplicationDescriptor configured, bool secretChanged)
    {
        var before = Read(stored);
        var changed = Read(configured)
            .Where(field => !string.Equals(before.GetValueOrDefault(field.Key), field.Value, StringComparison.Ordinal))
            .ToDictionary(StringComparer.Ordinal);
        if (secretChanged)
        {
            changed[ClientSecret] = "changed";
        }

        return changed;
    }

    private static Dictionary<string, string> Read(OpenIddictApplicationDescriptor client)
    {
        var fields = Standard(client);
        // A managed client's own settings (ClientDescriber.SettingsProperty); a declared client's are in its configuration.
        if (ClientDescriber.ReadManaged(client.Properties) is { } managed)
        {
            var settings = managed.Settings;
            fields["facility"] = managed.Facility ?? "";
            fields["contacts"] = Join(settings.Contacts);
            fields["backchannel_logout_uri"] = settings.BackChannelLogoutUri ?? "";
            fields["default_resource"] = settings.DefaultResource ?? "";
            fields["groups"] = settings.Groups is { } groups ? System.Text.Json.JsonSerializer.Serialize(groups) : "";
            fields["access_token_format"] = settings.AccessTokenFormat.ToString().ToLowerInvariant();
        }

        return fields;
    }

    private static Dictionary<string, string> Standard(OpenIddictApplicationDescriptor client) => new(StringComparer.Ordinal)
    {
        ["client_name"] = client.DisplayName ?? "",
        ["client_type"] = client.ClientType ?? "",
        ["consent_type"] = client.ConsentType ?? "",
        ["redirect_uris"] = Join(client is ProxyApplicationDescriptor exact ? exact.ExactRedirectUris : client.RedirectUris.Select(uri => uri.AbsoluteUri)),
        ["application_type"] = client.ApplicationType ?? "",
        ["post_logout_redirect_uris"] = Join(client.PostLogoutRedirectUris.Select(uri => uri.AbsoluteUri)),
        ["permissions"] = Join(client.Permissions),
        ["requirements"] = Join(client.Requirements),
    };

    // Sets, compared and shown in one order whatever order the store returns them in.
    private static string Join(IEnumerable<string> values) => string.Join(' ', values.Order(StringComparer.Ordinal));
}
