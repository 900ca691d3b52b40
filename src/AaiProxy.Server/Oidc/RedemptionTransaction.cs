using AaiProxy.Data;
using AaiProxy.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// A token request that redeems a token (an authorization code, a device code, a refresh token) writes its sign-in in one
/// database transaction: the old entry marked redeemed and the new entries (access, ID and refresh token). OpenIddict
/// saves each of them on its own, four commits a refresh, each an fsync and on SQLite a turn at the single write lock.
/// The transaction is committed when the response is about to be written, whatever it is: as with one commit per write,
/// a redemption counts even when the sign-in is refused after it (OpenIddict redeems first on purpose), and every token
/// the client receives has its entry stored before it is sent. Only an exception (a 500, no token sent) rolls it back,
/// when the request's scope ends.
/// Reuse detection (a redeemed refresh token presented again revokes every token of its grant) runs while the token is
/// validated, before this transaction begins, and is committed on its own.
/// On SQLite (one writer at a time) these transactions queue for <see cref="SqliteWriteGate"/> first, in order and without
/// holding a thread, instead of polling for the write lock.
/// </summary>
internal sealed class RedemptionTransaction(ProxyDbContext db, SqliteWriteGate gate) : IAsyncDisposable
{
    private static readonly string Key = typeof(RedemptionTransaction).FullName!;

    private IDbContextTransaction? _transaction;
    private IDisposable? _turn;

    /// <summary>Opens the sign-in's transaction (<see cref="OpenIddictServerHandlers.RedeemTokenEntry"/> is its first write).</summary>
    public static OpenIddictServerHandlerDescriptor Begin { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .AddFilter<RequireRedemption>()
            .UseScopedHandler<BeginHandler>()
            .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Commits it before the token response (tokens or an error) is written.</summary>
    public static OpenIddictServerHandlerDescriptor Commit { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<CommitHandler>()
            .SetOrder(int.MinValue + 40_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_transaction is { } transaction)
            {
                await transaction.DisposeAsync();
            }
        }
        finally
        {
            _turn?.Dispose();
        }
    }

    private async ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            return;
        }

        if (db.Database.IsSqlite())
        {
            _turn = await gate.WaitAsync(cancellationToken);
        }

        _transaction = await db.Database.BeginTransactionAsync(cancellationToken);
    }

    private async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not { } transaction)
        {
            return;
        }

        _transaction = null;
        try
        {
            await using (transaction)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            _turn?.Dispose();
            _turn = null;
        }
    }

    /// <summary>The sign-ins this applies to: the token endpoint's grants that redeem a token.</summary>
    internal sealed class RequireRedemption : IOpenIddictServerHandlerFilter<ProcessSignInContext>
    {
        public ValueTask<bool> IsActiveAsync(ProcessSignInContext context) =>
            ValueTask.FromResult(context.EndpointType == OpenIddictServerEndpointType.Token && context.Request is { } request &&
                                 (request.IsAuthorizationCodeGrantType() || request.IsDeviceCodeGrantType() || request.IsRefreshTokenGrantType()));
    }

    internal sealed class BeginHandler(RedemptionTransaction transaction) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            await transaction.BeginAsync(context.CancellationToken);
            context.Transaction.SetProperty(Key, transaction);
        }
    }

    internal sealed class CommitHandler : IOpenIddictServerHandler<ApplyTokenResponseContext>
    {
        public ValueTask HandleAsync(ApplyTokenResponseContext context) =>
            context.Transaction.GetProperty<RedemptionTransaction>(Key)?.CommitAsync(context.CancellationToken) ?? default;
    }
}
