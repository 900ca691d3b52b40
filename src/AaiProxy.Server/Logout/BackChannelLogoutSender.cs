using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace AaiProxy.Server.Logout;

/// <summary>
/// Delivers logout tokens (Back-Channel Logout 1.0 §2.5): each queued notice is POSTed as the <c>logout_token</c>
/// form field to the client's endpoint, in the background so that nobody's sign-out waits on a client. Each attempt
/// has <see cref="AttemptTimeout"/>; a failed one (no 2xx, timeout, connection refused) is tried again, with a new
/// token, after <see cref="RetryDelays"/>, then given up and logged. The queue is in memory: notices of a node that stops
/// before delivering them are lost (the client's session then ends at its own expiry).
/// </summary>
public sealed class BackChannelLogoutSender(IHttpClientFactory httpClients, IOptionsMonitor<OpenIddictServerOptions> server,
    TimeProvider time, ILogger<BackChannelLogoutSender> logger) : BackgroundService
{
    public const string HttpClientName = "aaiproxy.backchannel-logout";

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Waits before the second and third attempts; all of them end well within the token's lifetime.</summary>
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)];

    private readonly Channel<(string Issuer, LogoutNotice Notice)> _queue = Channel.CreateUnbounded<(string, LogoutNotice)>();

    public void Enqueue(string issuer, LogoutNotice notice) => _queue.Writer.TryWrite((issuer, notice));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each notice on its own: a slow or absent client delays no other.
        await foreach (var (issuer, notice) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            _ = DeliverAsync(issuer, notice, stoppingToken);
        }
    }

    private async Task DeliverAsync(string issuer, LogoutNotice notice, CancellationToken stoppingToken)
    {
        // Signed like the ID tokens: OpenIddict's first asymmetric signing key.
        var credentials = server.CurrentValue.SigningCredentials.FirstOrDefault(candidate => candidate.Key is AsymmetricSecurityKey);
        if (credentials is null)
        {
            Log.BackChannelLogoutGivenUp(logger, notice.ClientId, notice.Endpoint.GetLeftPart(UriPartial.Path), 0, "no asymmetric signing key");
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            // A fresh token (jti, iat) per attempt: a client that saw an earlier one may keep its jti against replay (§2.6).
            var token = LogoutToken.Write(LogoutToken.Describe(issuer, notice, time.GetUtcNow(), Guid.NewGuid().ToString("N"), credentials));
            var failure = await PostAsync(notice.Endpoint, token, stoppingToken);
            if (failure is null)
            {
                Log.BackChannelLogoutDelivered(logger, notice.ClientId, notice.Endpoint.GetLeftPart(UriPartial.Path), attempt);
                return;
            }

            if (attempt > RetryDelays.Length || stoppingToken.IsCancellationRequested)
            {
                Log.BackChannelLogoutGivenUp(logger, notice.ClientId, notice.Endpoint.GetLeftPart(UriPartial.Path), attempt, failure);
                return;
            }

            Log.BackChannelLogoutAttemptFailed(logger, notice.ClientId, notice.Endpoint.GetLeftPart(UriPartial.Path), attempt, failure);
            try
            {
                await Task.Delay(RetryDelays[attempt - 1], time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                Log.BackChannelLogoutGivenUp(logger, notice.ClientId, notice.Endpoint.GetLeftPart(UriPartial.Path), attempt, "the server is stopping");
                return;
            }
        }
    }

    /// <returns>null when the client accepted the token, else why not.</returns>
    private async Task<string?> PostAsync(Uri endpoint, string token, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var content = new FormUrlEncodedContent([new("logout_token", token)]);
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(endpoint, content, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return $"no answer within {AttemptTimeout.TotalSeconds:0} s";
        }
        catch (OperationCanceledException)
        {
            return "the server is stopping";
        }
        catch (HttpRequestException exception)
        {
            return exception.Message;
        }
    }
}
