namespace AaiProxy.Server.Storage;

/// <summary>
/// The turn of this process's writers at a SQLite database, which takes one writer at a time: a writer that waits here
/// waits asynchronously and in arrival order, where SQLite's busy handler has it sleep and try again, backing off up to
/// 100 ms between tries, so that a writer that came later often went first (the refresh_token grant's p99 of 0.5 s at four
/// connections). Other processes (the command-line tools) still meet the busy handler.
/// </summary>
internal sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for the turn; disposing the result ends it.</summary>
    public async ValueTask<IDisposable> WaitAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
