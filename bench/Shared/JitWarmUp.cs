using System.Diagnostics;

namespace AaiProxy.Bench;

/// <summary>
/// Unrecorded warm-up before a measured row: the operation runs for at least the given seconds and until the JIT has
/// compiled nothing new for a second. The tiered JIT recompiles hot methods (instrumented, then optimised) for 10 s
/// and more on a busy 2-core machine; a row measured meanwhile pays for the compiler thread, which a long-running
/// server does only once. At most a minute.
/// </summary>
internal static class JitWarmUp
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(double minimumSeconds, Func<int, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietSince = TimeSpan.Zero;
        for (var i = 0; clock.Elapsed < Longest; i++)
        {
            await operation(i);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                (compiled, quietSince) = (now, clock.Elapsed);
            }
            else if (clock.Elapsed.TotalSeconds >= minimumSeconds && clock.Elapsed - quietSince >= Quiet)
            {
                return;
            }
        }
    }
}
