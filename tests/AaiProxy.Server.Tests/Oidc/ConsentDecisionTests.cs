using AaiProxy.Server.Oidc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>The consent rule alone: consent type, stored consent, prompt and a posted answer.</summary>
public sealed class ConsentDecisionTests
{
    public static TheoryData<string, bool, bool, bool, string?, string> Cases => new()
    {
        // A facility-internal (implicit) client never asks, whatever it sends.
        { ConsentTypes.Implicit, false, false, false, null, nameof(ConsentOutcome.Proceed) },
        { ConsentTypes.Implicit, false, false, true, null, nameof(ConsentOutcome.Proceed) },
        { ConsentTypes.Implicit, false, true, false, null, nameof(ConsentOutcome.Proceed) },
        { ConsentTypes.Implicit, false, false, false, ConsentDecision.Deny, nameof(ConsentOutcome.Proceed) },
        // Explicit: asks until a consent covers the request.
        { ConsentTypes.Explicit, false, false, false, null, nameof(ConsentOutcome.Ask) },
        { ConsentTypes.Explicit, true, false, false, null, nameof(ConsentOutcome.Proceed) },
        { ConsentTypes.Explicit, true, false, true, null, nameof(ConsentOutcome.Ask) },
        { ConsentTypes.Explicit, false, true, false, null, nameof(ConsentOutcome.Required) },
        { ConsentTypes.Explicit, true, true, false, null, nameof(ConsentOutcome.Proceed) },
        // The posted answer wins over the prompt=consent it carries.
        { ConsentTypes.Explicit, false, false, true, ConsentDecision.Allow, nameof(ConsentOutcome.Grant) },
        { ConsentTypes.Explicit, true, false, false, ConsentDecision.Deny, nameof(ConsentOutcome.Deny) },
        { ConsentTypes.Explicit, false, false, false, "maybe", nameof(ConsentOutcome.Ask) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decides_by_consent_type_stored_consent_prompt_and_answer(string consentType, bool stored, bool promptNone, bool promptConsent,
        string? posted, string expected) =>
        Assert.Equal(Enum.Parse<ConsentOutcome>(expected), ConsentDecision.Decide(consentType, stored, promptNone, promptConsent, posted));
}
