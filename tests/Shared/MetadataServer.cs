using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AaiProxy.Tests.Shared;

/// <summary>A tiny metadata server on 127.0.0.1 (an MDQ service, an aggregate feed): answers paths
/// below its base URL from a table, with ETags and conditional GET.</summary>
internal sealed class MetadataServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    public MetadataServer()
    {
        // A free port can be taken again before the listener binds it (tests run in parallel): try another.
        for (var attempt = 1; ; attempt++)
        {
            BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}/metadata/");
            _listener = new HttpListener();
            _listener.Prefixes.Add(BaseUrl.AbsoluteUri);
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                _listener.Close();
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    /// <summary>Path below the base URL (still percent-encoded, as sent) → document.</summary>
    public ConcurrentDictionary<string, string> Answers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request: the raw path and its If-None-Match header.</summary>
    public ConcurrentQueue<(string Path, string? IfNoneMatch)> Requests { get; } = new();

    /// <summary>Completed when the first request arrives.</summary>
    public TaskCompletionSource RequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, answers wait until it is completed.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, every request gets this status instead.</summary>
    public HttpStatusCode? Failure { get; set; }

    public void Dispose()
    {
        // Close alone: after Stop, Close would look the port up again and can bind it anew (or fail
        // when another test's server has taken it meanwhile).
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.RawUrl ?? "";
        var ifNoneMatch = context.Request.Headers["If-None-Match"];
        Requests.Enqueue((path, ifNoneMatch));
        RequestArrived.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        var key = path[BaseUrl.AbsolutePath.Length..];
        var response = context.Response;
        if (Failure is { } failure)
        {
            response.StatusCode = (int)failure;
        }
        else if (Answers.TryGetValue(key, out var document))
        {
            var etag = $"\"{(uint)document.GetHashCode():x8}\"";
            response.Headers["ETag"] = etag;
            if (ifNoneMatch == etag)
            {
                response.StatusCode = 304;
            }
            else
            {
                response.ContentType = "application/samlmetadata+xml";
                var bytes = Encoding.UTF8.GetBytes(document);
                response.OutputStream.Write(bytes);
            }
        }
        else
        {
            response.StatusCode = 404;
        }

        response.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
