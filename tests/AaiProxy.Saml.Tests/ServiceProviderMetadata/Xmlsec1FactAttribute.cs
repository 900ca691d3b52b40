namespace AaiProxy.Saml.Tests.ServiceProviderMetadata;

/// <summary>
/// A test that needs xmlsec1 as an independent verifier: skipped with a reason when it is not
/// installed, except with CI=true, where the test runs and its absence is a failure.
/// </summary>
public sealed class Xmlsec1FactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/xmlsec1";

    public Xmlsec1FactAttribute()
    {
        if (!File.Exists(Path) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "xmlsec1 is not installed (apt-get install -y xmlsec1); independent signature verification skipped.";
        }
    }
}
