using AaiProxy.Server.Operations;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Logs why OpenIddict rejected a request (error, description, client id, correlation id) before
/// the error response goes out. Never logs parameters that may hold secrets or tokens.
/// </summary>
internal sealed class RejectionLogger(ProxyMetrics metrics, ILogger<RejectionLogger> logger) : IOpenIddictServerHandler<ProcessErrorContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessErrorContext>()
            .UseSingletonHandler<RejectionLogger>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessErrorContext context)
    {
        var httpContext = context.Transaction.GetHttpRequest()?.HttpContext;
        metrics.RequestRejected(context.EndpointType.ToString(), context.Error ?? context.Response?.Error ?? "unknown");
        Log.RequestRejected(
            logger,
            context.EndpointType.ToString(),
            context.Error ?? context.Response?.Error ?? "unknown",
            context.ErrorDescription ?? context.Response?.ErrorDescription,
            LogText.Untrusted(context.Request?.ClientId),
            CorrelationId.Of(httpContext));
        return ValueTask.CompletedTask;
    }
}
