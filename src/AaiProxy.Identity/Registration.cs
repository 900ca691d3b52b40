namespace AaiProxy.Identity;

/// <summary>How a person gets a community account at their first login.</summary>
public enum RegistrationMode
{
    /// <summary>Created at first login without asking (the facility's user office already registers people).</summary>
    Automatic = 0,

    /// <summary>First login leads to a registration page: what is missing (a verified e-mail address) and the AUP.</summary>
    Interactive = 1,
}

/// <summary>The acceptable use policy people accept at registration and again at the next login after a new version.</summary>
public sealed class AupOptions
{
    /// <summary>Compared for equality only: any new value asks everyone again.</summary>
    public string Version { get; set; } = "";

    /// <summary>Where the policy is published (shown as a link), or …</summary>
    public Uri? Url { get; set; }

    /// <summary>… its text, shown on the page.</summary>
    public string? Text { get; set; }
}

/// <summary><c>AaiProxy:Registration</c>.</summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "AaiProxy:Registration";

    public RegistrationMode Mode { get; set; } = RegistrationMode.Automatic;

    /// <summary>Required in <see cref="RegistrationMode.Interactive"/>; in Automatic mode nobody is asked.</summary>
    public AupOptions? Aup { get; set; }

    /// <summary>The AUP version to ask for, or null when none is asked (Automatic mode).</summary>
    public string? CurrentAupVersion => Mode == RegistrationMode.Interactive ? Aup?.Version : null;

    /// <summary>What is wrong, each naming the key to set; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (Mode != RegistrationMode.Interactive)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Aup?.Version))
        {
            yield return "AaiProxy:Registration:Aup:Version must be set when AaiProxy:Registration:Mode is Interactive.";
        }

        if (Aup is not null && Aup.Url is null && string.IsNullOrWhiteSpace(Aup.Text))
        {
            yield return "AaiProxy:Registration:Aup needs Url (where the policy is published) or Text.";
        }

        if (Aup?.Url is { IsAbsoluteUri: false } or { Scheme: not ("https" or "http") })
        {
            yield return "AaiProxy:Registration:Aup:Url must be an absolute http(s) URL.";
        }
    }
}
