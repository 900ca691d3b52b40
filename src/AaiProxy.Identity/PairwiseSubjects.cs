using System.Security.Cryptography;
using System.Text;

namespace AaiProxy.Identity;

/// <summary>
/// Pairwise subject identifiers (OIDC Core 8.1): a client configured with a sector identifier sees
/// <c>sub</c> = base64url(HMAC-SHA256(secret, sector ‖ account id)), the same for every client of its sector and
/// unrelatable to any other's. Such a client never receives <c>voperson_id</c>, which would undo it.
/// </summary>
public sealed class PairwiseSubjects
{
    private readonly byte[] _secret;
    private readonly IReadOnlyDictionary<string, string> _sectorByClient;

    /// <param name="secret">At least 32 bytes, the same on every node and for ever (changing it changes every pairwise <c>sub</c>).</param>
    /// <param name="sectorByClient">Client id → sector identifier (an https URI or a host name) for pairwise clients.</param>
    public PairwiseSubjects(byte[] secret, IReadOnlyDictionary<string, string> sectorByClient)
    {
        if (secret.Length < 32)
        {
            throw new ArgumentException("The pairwise subject secret must be at least 32 bytes.", nameof(secret));
        }

        _secret = secret;
        _sectorByClient = sectorByClient;
    }

    public static PairwiseSubjects None { get; } = new(new byte[32], new Dictionary<string, string>());

    public bool IsPairwise(string clientId) => _sectorByClient.ContainsKey(clientId);

    /// <summary>Every configured sector (to find what a pairwise client knows a person by).</summary>
    public IEnumerable<string> Sectors => _sectorByClient.Values.Distinct(StringComparer.Ordinal);

    /// <summary>The <c>sub</c> a client knows the account by: pairwise for a client with a sector, else the account id.</summary>
    public string SubjectFor(string accountId, string clientId) =>
        _sectorByClient.TryGetValue(clientId, out var sector) ? ForSector(accountId, sector) : accountId;

    /// <summary>Every <c>sub</c> a client may know the account by: the account id and its pairwise one in each sector.</summary>
    public IEnumerable<string> SubjectsOf(string accountId) => [accountId, .. Sectors.Select(sector => ForSector(accountId, sector))];

    public string ForSector(string accountId, string sector)
    {
        var mac = HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(sector + "\n" + accountId));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
