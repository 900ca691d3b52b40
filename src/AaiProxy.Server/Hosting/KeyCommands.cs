using System.Globalization;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Oidc;

namespace AaiProxy.Server.Hosting;

/// <summary>
/// The operator commands about keys: <c>keys list</c>, <c>keys rotate</c>, <c>keys import</c>. Rotation and import store a
/// successor through <see cref="KeyRotation"/>, the same lifecycle the scheduled rotation uses, audited with the operator as
/// actor; running nodes take the change up at their next key check (<c>AaiProxy:Keys:Rotation:CheckInterval</c>).
/// </summary>
internal static class KeyCommands
{
    private static readonly string[] Header = ["kid", "algorithm", "usage", "status", "created", "encrypted", "version", "activates", "retires"];

    /// <summary><c>keys list</c>: every stored key, oldest first, never its private part.</summary>
    public static int List(IServiceProvider services, TextWriter output)
    {
        OperatorCommands.Rows(output, Header, services.GetRequiredService<ServerKeyStore>().List().Select(key => new[]
        {
            key.Id, key.Algorithm, ServerKeyStore.UsageName(key.Usage), key.Status.ToString().ToLowerInvariant(), Time(key.CreatedAt),
            key.Encrypted ? "yes" : "no", key.Version.ToString(CultureInfo.InvariantCulture), Time(key.ActivatesAt),
            key.RetiresAt is { } retires ? Time(retires) : "",
        }));
        return 0;
    }

    /// <summary><c>keys rotate [--usage oidc|saml|saml-signing|saml-decryption] [--now]</c>: a new key per usage, published
    /// at once; it signs after the publish-ahead time (<c>PublishAhead</c>, SAML <c>SamlPublishAhead</c>) so that relying
    /// parties and federations see it first, or with <c>--now</c> at once (a waiting successor is brought forward instead).
    /// The replaced key stays published, and validates or decrypts, for the overlap.</summary>
    public static async Task<int> RotateAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        if (Parse(arguments, ["--usage"], ["--now"]) is not { } options || Use(options.GetValueOrDefault("--usage") ?? "oidc", rotate: true) is not { } use)
        {
            await errors.WriteLineAsync("keys rotate: the options are --usage oidc|saml|saml-signing|saml-decryption (oidc when left out) and --now.");
            return 2;
        }

        var keys = services.GetRequiredService<KeyRotation>().Rotate(use, options.ContainsKey("--now"), AuditActors.Operator);
        Next(output, keys);
        return 0;
    }

    /// <summary><c>keys import --file &lt;key.pem|key.p12&gt; [--password-file F] [--usage signing|saml|saml-signing|saml-decryption] [--now]</c>:
    /// the key becomes the successor of the OpenID provider's signing key (default) or of the SAML keys, on the same
    /// schedule as <c>keys rotate</c>.</summary>
    public static async Task<int> ImportAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        if (Parse(arguments, ["--file", "--password-file", "--usage"], ["--now"]) is not { } options || !options.TryGetValue("--file", out var file)
            || Use(options.GetValueOrDefault("--usage") ?? "signing", rotate: false) is not { } use)
        {
            await errors.WriteLineAsync("keys import: give --file <key.pem|key.p12>, and optionally --password-file <file>, --usage signing|saml|saml-signing|saml-decryption (signing when left out) and --now.");
            return 2;
        }

        var password = options.TryGetValue("--password-file", out var passwordFile)
            ? File.Exists(passwordFile) ? (await File.ReadAllTextAsync(passwordFile)).TrimEnd('\r', '\n')
                : throw new InvalidOperationException($"The password file '{passwordFile}' does not exist.")
            : null;
        var key = KeyFiles.Read(file, password);
        Next(output, services.GetRequiredService<KeyRotation>().Import(use, key, options.ContainsKey("--now"), AuditActors.Operator));
        return 0;
    }

    private static void Next(TextWriter output, List<ServerKeyEntity> keys) =>
        OperatorCommands.Rows(output, ["kid", "usage", "version", "activates"], keys.Select(key => new[]
        {
            key.Id, ServerKeyStore.UsageName(key.Usage), key.Version.ToString(CultureInfo.InvariantCulture), Time(key.ActivatesAt),
        }));

    private static KeyUse? Use(string name, bool rotate) => name switch
    {
        "oidc" when rotate => KeyUse.Oidc,
        "signing" when !rotate => KeyUse.Oidc,
        "saml" => KeyUse.Saml,
        "saml-signing" => KeyUse.SamlSigning,
        "saml-decryption" => KeyUse.SamlDecryption,
        _ => null,
    };

    /// <summary>Options with a value and flags; null on anything else.</summary>
    private static Dictionary<string, string>? Parse(string[] arguments, string[] valued, string[] flags)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < arguments.Length; index++)
        {
            var name = arguments[index];
            if (flags.Contains(name))
            {
                options[name] = "";
            }
            else if (valued.Contains(name) && index + 1 < arguments.Length)
            {
                options[name] = arguments[++index];
            }
            else
            {
                return null;
            }
        }

        return options;
    }

    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
