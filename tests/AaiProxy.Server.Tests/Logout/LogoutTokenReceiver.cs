using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AaiProxy.Server.Tests.Logout;

/// <summary>
/// The relying parties' back-channel logout endpoints for the tests: a small HTTP listener on 127.0.0.1 that
/// takes <c>POST /logout/{clientId}</c> with the <c>logout_token</c> form field (Back-Channel Logout 1.0 §2.5),
/// as a client would, and keeps what arrived. <see cref="Hold"/> makes one client's endpoint not answer.
/// </summary>
public sealed class LogoutTokenReceiver : IAsyncDisposable
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly List<ReceivedLogout> _received = [];
    private readonly HashSet<string> _held = [];
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LogoutTokenReceiver(WebApplication app) => _app = app;

    public Uri BaseUrl => new(_app.Urls.First());

    public static async Task<LogoutTokenReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new LogoutTokenReceiver(builder.Build());
        receiver._app.MapPost("/logout/{clientId}", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        return receiver;
    }

    public string EndpointOf(string clientId) => new Uri(BaseUrl, "/logout/" + clientId).ToString();

    /// <summary>From now on the endpoint of <paramref name="clientId"/> takes the request but does not answer until disposal.</summary>
    public void Hold(string clientId)
    {
        lock (_received)
        {
            _held.Add(clientId);
        }
    }

    /// <summary>Waits until logout tokens matching <paramref name="match"/> arrived (<paramref name="count"/> of them) and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedLogout>> WaitForAsync(Func<ReceivedLogout, bool> match, int count)
    {
        using var timeout = new CancellationTokenSource(ArrivalTimeout);
        while (true)
        {
            Task arrival;
            lock (_received)
            {
                var matching = _received.Where(match).ToList();
                if (matching.Count >= count)
                {
                    return matching;
                }

                arrival = _arrival.Task;
            }

            try
            {
                await arrival.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_received)
                {
                    throw new TimeoutException($"{count} logout token(s) expected within {ArrivalTimeout}; received: " +
                                               string.Join(", ", _received.Select(received => received.ClientId)));
                }
            }
        }
    }

    public IReadOnlyList<ReceivedLogout> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    private async Task<IResult> ReceiveAsync(string clientId, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        bool held;
        lock (_received)
        {
            _received.Add(new ReceivedLogout(clientId, form["logout_token"].ToString(), request.ContentType ?? ""));
            held = _held.Contains(clientId);
            var arrived = _arrival;
            _arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived.SetResult();
        }

        if (held)
        {
            await _released.Task;
        }

        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        _released.TrySetResult();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedLogout(string ClientId, string Token, string ContentType);
