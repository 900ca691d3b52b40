namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// The test-run contract for real peers: with <c>CI=true</c> a missing peer fails the test; on a
/// developer machine it skips the test with the reason (xUnit 2 has no built-in dynamic skip, hence
/// Xunit.SkippableFact: tests that may skip are <c>[SkippableFact]</c>).
/// </summary>
internal static class PeerAvailability
{
    /// <summary>Exit status of a tests/peers script whose peer cannot be installed or started
    /// (only used when CI is not "true"; see tests/peers/lib.sh).</summary>
    public const int ScriptExitUnavailable = 77;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips the current test, or fails it in CI.</summary>
    public static Exception Unavailable(string reason) =>
        IsCi ? new InvalidOperationException($"Required peer unavailable (CI=true): {reason}") : new SkipException(reason);
}
