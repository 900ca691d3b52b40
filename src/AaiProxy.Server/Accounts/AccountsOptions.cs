namespace AaiProxy.Server.Accounts;

/// <summary><c>AaiProxy:Accounts</c>.</summary>
public sealed class AccountsOptions
{
    public const string SectionName = "AaiProxy:Accounts";

    /// <summary>A file of at least 32 random bytes: the secret of pairwise subjects. Every node must have the same, for
    /// ever. Unset: <c>pairwise-subject.key</c> in the data directory, generated once — allowed only on one node (SQLite, or
    /// PostgreSQL with <c>AaiProxy:SingleNode=true</c>): several nodes refuse to start without it.</summary>
    public string? PairwiseSecretFile { get; set; }

    /// <summary>How long the audit log keeps its entries; the "delete my account" page says so (default 2 years).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>How long the released attributes of a linked identity are kept after its last use (unset: as long as the link).</summary>
    public TimeSpan? AttributeRetention { get; set; }

    /// <summary>How often retention runs (default daily).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a mailed e-mail verification link stays valid (default 24 hours).</summary>
    public TimeSpan VerificationLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>What is wrong, each naming the key to set; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(PairwiseSecretFile))
        {
            yield break;
        }

        if (!File.Exists(PairwiseSecretFile))
        {
            yield return $"AaiProxy:Accounts:PairwiseSecretFile '{PairwiseSecretFile}' does not exist. Create it once with: head -c 32 /dev/urandom > {PairwiseSecretFile}";
        }
        else if (new FileInfo(PairwiseSecretFile).Length < 32)
        {
            yield return $"AaiProxy:Accounts:PairwiseSecretFile '{PairwiseSecretFile}' must hold at least 32 bytes (head -c 32 /dev/urandom).";
        }
    }
}
