using System.Reflection;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>Where the repository's peer scripts and the server's build output are.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PeerScript(string name) => Path.Combine(Root, "tests", "peers", name);

    /// <summary>
    /// The server's own build output (with its runtimeconfig, deps and appsettings), built through
    /// this project's reference in the same configuration; <c>AAIPROXY_SERVER_DLL</c> overrides it
    /// (for example a published build).
    /// </summary>
    public static string ServerAssembly()
    {
        var overridden = Environment.GetEnvironmentVariable("AAIPROXY_SERVER_DLL");
        if (!string.IsNullOrEmpty(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        var configuration = typeof(RepositoryPaths).Assembly
            .GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(Root, "src", "AaiProxy.Server", "bin", configuration, "net10.0", "AaiProxy.Server.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The server is not built at {path}; build tests/AaiProxy.Interop.Tests or set AAIPROXY_SERVER_DLL.", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "tests", "peers", "lib.sh")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No tests/peers/lib.sh above {AppContext.BaseDirectory}.");
    }
}
