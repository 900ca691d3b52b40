using AaiProxy.Data;
using AaiProxy.Server.Accounts;

namespace AaiProxy.Server.Configuration;

/// <summary>PostgreSQL is the database of several nodes behind a load balancer: then what nodes must share has to
/// be configured, or a login started on one node fails (or a replayed assertion is accepted) on another.</summary>
internal static class MultiNodeValidation
{
    public static IEnumerable<string> Validate(ProxyOptions options, AccountsOptions accounts, DatabaseProvider provider)
    {
        if (provider != DatabaseProvider.PostgreSql || options.SingleNode)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(options.Redis.Configuration))
        {
            yield return "AaiProxy:Database:Provider is PostgreSql (several nodes) but AaiProxy:Redis:Configuration is not set: every node must share " +
                         "the SAML assertion replay cache, the outstanding SAML requests and the data-protection keys through Redis. " +
                         "Set AaiProxy:Redis:Configuration (e.g. redis:6379), or AaiProxy:SingleNode=true if only one node ever runs.";
        }

        if (string.IsNullOrWhiteSpace(options.Keys.EncryptionKeyFile) && string.IsNullOrWhiteSpace(options.Keys.EncryptionKey))
        {
            yield return "AaiProxy:Database:Provider is PostgreSql (several nodes) but no key-encryption key is configured: every node must read the keys " +
                         "the others stored. Set AaiProxy:Keys:EncryptionKeyFile (or AaiProxy__Keys__EncryptionKey) to the same key on every node, " +
                         "or AaiProxy:SingleNode=true if only one node ever runs.";
        }

        if (string.IsNullOrWhiteSpace(accounts.PairwiseSecretFile))
        {
            yield return "AaiProxy:Database:Provider is PostgreSql (several nodes) but AaiProxy:Accounts:PairwiseSecretFile is not set: a secret generated " +
                         "in each node's data directory would give a person a different pairwise sub on each node. Set AaiProxy:Accounts:PairwiseSecretFile " +
                         "to the same file on every node (create it once with: head -c 32 /dev/urandom > /etc/aaiproxy/pairwise-secret), " +
                         "or AaiProxy:SingleNode=true if only one node ever runs.";
        }
    }
}
