using System.Globalization;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Session;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AaiProxy.Server.Accounts;

/// <summary>
/// A proxy session is good only while its account is active and it started after the account's
/// <c>SessionsValidAfter</c> ("sign out everywhere", suspension, deletion): checked at every request that reads
/// the session cookie, so no session outlives those. The start is kept to the tick (the cookie's own issue time
/// is rounded to the second).
/// </summary>
internal static class SessionValidation
{
    private const string StartedItem = "aaiproxy.session_started";

    public static void Attach(CookieAuthenticationEvents events)
    {
        var signingIn = events.OnSigningIn;
        events.OnSigningIn = async context =>
        {
            await signingIn(context);
            var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
            context.Properties.Items[StartedItem] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        };

        var validate = events.OnValidatePrincipal;
        events.OnValidatePrincipal = async context =>
        {
            await validate(context);
            if (context.Principal?.FindFirst(SessionClaims.AccountId)?.Value is not { } accountId)
            {
                return; // a pending registration names nobody yet
            }

            var store = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
            var state = await store.SessionStateAsync(accountId, context.HttpContext.RequestAborted);
            var started = context.Properties.Items.TryGetValue(StartedItem, out var text) &&
                          DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant)
                ? instant
                : context.Properties.IssuedUtc ?? DateTimeOffset.MinValue;
            if (state is { Status: AccountStatus.Active } && (state.Value.SessionsValidAfter is not { } validAfter || started >= validAfter))
            {
                return;
            }

            AccountsLog.SessionRefused(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionValidation)),
                accountId, state?.Status.ToString() ?? "gone");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionDefaults.Scheme);
        };
    }
}
