namespace AaiProxy.Saml.Replay;

/// <summary>Remembers accepted assertion IDs until they expire, so each is accepted once (Profiles 4.1.4.5).</summary>
public interface ISamlReplayCache
{
    /// <returns>True when the ID was new and is now remembered; false when it was seen before.</returns>
    ValueTask<bool> TryAddAsync(string issuer, string assertionId, DateTimeOffset expiresAt, CancellationToken ct);
}
