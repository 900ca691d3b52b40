namespace AaiProxy.Server.Storage;

/// <summary>Secrets the proxy generates into its data directory (key-encryption key, SAML key files, the pairwise
/// subject key): written to a temporary file readable by the owner only, then renamed into place, so that nobody
/// reads a half-written or world-readable secret. Two nodes starting at once on a shared directory: the first
/// rename wins and both use that file.</summary>
internal static class PrivateFiles
{
    public static void Write(string path, byte[] content, bool overwrite = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temporary, path, overwrite);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
