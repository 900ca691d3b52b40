namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// The throwaway Redis of the test-run contract (<c>AAIPROXY_TEST_REDIS</c> = host:port). Without it
/// a test needing Redis is skipped, except with <c>CI=true</c>, where that is a failure. Tests using
/// it are <c>[SkippableFact]</c>.
/// </summary>
public static class TestRedis
{
    public static string Configuration
    {
        get
        {
            var configuration = Environment.GetEnvironmentVariable("AAIPROXY_TEST_REDIS");
            if (!string.IsNullOrWhiteSpace(configuration))
            {
                return configuration;
            }

            const string reason = "AAIPROXY_TEST_REDIS is not set: set it to host:port of a throwaway Redis " +
                                  "(bash tests/peers/redis.sh start <dir> <port>).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("Required peer unavailable (CI=true): " + reason);
            }

            throw new SkipException(reason);
        }
    }
}
