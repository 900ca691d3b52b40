namespace AaiProxy.Server.Upstream;

/// <summary>
/// How an upstream login starts, for the authorization endpoint and for the proxy's own pages that need
/// a signed-in person: a hinted or single upstream choice is challenged at once; with several the person
/// chooses on the login page. The login returns to <see cref="RequestedAuthentication.ReturnUrl"/>.
/// </summary>
internal sealed class UpstreamLoginStart(UpstreamChoices choices, LoginRequests loginRequests)
{
    /// <returns>The challenge or the redirect to the login page; null when no upstream provider is configured.</returns>
    public async Task<IResult?> StartAsync(RequestedAuthentication requested, string? hint, CancellationToken cancellationToken)
    {
        var hinted = await choices.FindAsync(hint, cancellationToken);
        var all = hinted is null ? await choices.ListAsync(cancellationToken) : [hinted];
        return all switch
        {
            [] => null,
            [var only] => Results.Challenge((requested with { Provider = only.Provider }).ToProperties(), [only.Scheme]),
            _ => Results.Redirect(LoginPage.Url(loginRequests, requested)),
        };
    }
}
