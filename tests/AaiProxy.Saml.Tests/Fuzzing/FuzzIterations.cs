namespace AaiProxy.Saml.Tests.Fuzzing;

/// <summary>
/// How many seeded mutations each fuzz test runs: a small count by default so the suite stays quick
/// while developing, the full count in CI (<c>CI=true</c>) or on request (<c>AAIPROXY_FUZZ=full</c>).
/// The seeds stay the same, so a short run is a prefix of the full one.
/// </summary>
internal static class FuzzIterations
{
    private const int Quick = 150;

    public static bool IsFull { get; } =
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Environment.GetEnvironmentVariable("AAIPROXY_FUZZ"), "full", StringComparison.OrdinalIgnoreCase);

    /// <returns><paramref name="full"/> in a full run, otherwise at most <see cref="Quick"/>.</returns>
    public static int Of(int full) => IsFull ? full : Math.Min(full, Quick);
}
