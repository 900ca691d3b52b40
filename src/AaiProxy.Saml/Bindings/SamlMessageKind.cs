namespace AaiProxy.Saml.Bindings;

/// <summary>Whether a bound message is a request or a response; decides the form or query parameter name.</summary>
public enum SamlMessageKind
{
    /// <summary>Carried as <c>SAMLRequest</c>.</summary>
    Request,

    /// <summary>Carried as <c>SAMLResponse</c>.</summary>
    Response,
}

internal static class SamlMessageKindExtensions
{
    // Bindings 3.4.4 and 3.5.4: the parameter name tells requests from responses.
    public static string ParameterName(this SamlMessageKind kind) => kind switch
    {
        SamlMessageKind.Request => "SAMLRequest",
        SamlMessageKind.Response => "SAMLResponse",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
