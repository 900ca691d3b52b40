// bench/ClaimsBench: the group/proposal claim computation for a person in 500 groups (bench/parts/claims.sh).
//   ClaimsBench <work dir> <seconds> [groups]
// Builds a migrated SQLite database under <work dir> with one person in `groups` groups (the community, the
// facility and groups - 2 proposal teams, each with its proposal), then for <seconds> each, in one thread:
//   proxy — what GroupClaimsEnricher does at every token issue and refresh: a DI scope, IGroupReader.LoadPersonAsync
//           (EF Core, one query), PersonAccess.At, GroupClaimsShaper.Shape within the default 4,096-byte budget
//           (entitlements, proposals, a plain groups claim), the claim values as JSON; and the same
//           without the database (the person loaded once): PersonAccess.At and the shaper alone;
//   floor — one raw SQL join over the same tables (ADO.NET, no EF), ranked by SQL as the shaper ranks, and the
//           same three claims written with Utf8JsonWriter greedily up to the same budget.
// Prints key=value lines: computations per CPU second of each, the claim bytes each produced, the grants kept.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

var work = args[0];
var seconds = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var groupCount = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 500;
Directory.CreateDirectory(work);
var connectionString = $"Data Source={Path.Combine(work, "claims.db")}";
const string AccountId = "bench-person";

var facility = new Facility("bench", GroupPath.Parse("/pan/bench"), 36, TimeSpan.FromDays(30), new Regex(@"^\d{8}$"));
var facilities = new FacilityCatalog([facility]);
var entitlements = new EntitlementOptions { Namespace = "urn:geant:bench.aaiproxy.example.org", Authority = "bench.aaiproxy.example.org" };
var policy = new ClientGroupPolicy
{
    Facilities = ["bench"],
    PlainGroups = new PlainGroupsClaim("groups", PlainGroupsValueForm.ProposalId),
};
const GroupClaimKinds Requested = GroupClaimKinds.EduPersonEntitlement | GroupClaimKinds.Proposals;

var services = new ServiceCollection()
    .AddLogging()
    .AddSingleton(TimeProvider.System)
    .AddSingleton(facilities)
    .AddAaiProxyData(DatabaseProvider.Sqlite, connectionString)
    .BuildServiceProvider();

await using (var scope = services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
    await db.Database.EnsureDeletedAsync();
    await db.Database.MigrateAsync();
    Seed(db, groupCount);
    await db.SaveChangesAsync();
}

var now = DateTimeOffset.UtcNow;
var (proxyRate, proxyBytes, proxyKept) = await MeasureAsync(async () =>
{
    await using var scope = services.CreateAsyncScope();
    var person = await scope.ServiceProvider.GetRequiredService<IGroupReader>().LoadPersonAsync(AccountId, CancellationToken.None);
    var shaped = GroupClaimsShaper.Shape(PersonAccess.At(person, facilities, now), policy, Requested, entitlements, facilities);
    return (shaped.SerializedBytes, shaped.EduPersonEntitlement.Count);
});
// The same without the database: what PersonAccess.At and the shaper cost alone.
PersonGroups loaded;
await using (var scope = services.CreateAsyncScope())
    loaded = await scope.ServiceProvider.GetRequiredService<IGroupReader>().LoadPersonAsync(AccountId, CancellationToken.None);
var (shapeRate, _, _) = await MeasureAsync(() =>
{
    var shaped = GroupClaimsShaper.Shape(PersonAccess.At(loaded, facilities, now), policy, Requested, entitlements, facilities);
    return Task.FromResult((shaped.SerializedBytes, shaped.EduPersonEntitlement.Count));
});
var (floorRate, floorBytes, floorKept) = await MeasureAsync(() => Task.FromResult(Floor()));

Console.WriteLine($"groups={groupCount}");
Console.WriteLine($"proxy_per_cpu_second={proxyRate:F1}");
Console.WriteLine($"proxy_bytes={proxyBytes}");
Console.WriteLine($"shape_per_cpu_second={shapeRate:F1}");
Console.WriteLine($"proxy_entitlements={proxyKept}");
Console.WriteLine($"floor_per_cpu_second={floorRate:F1}");
Console.WriteLine($"floor_bytes={floorBytes}");
Console.WriteLine($"floor_entitlements={floorKept}");
return 0;

async Task<(double PerCpuSecond, int Bytes, int Kept)> MeasureAsync(Func<Task<(int Bytes, int Kept)>> compute)
{
    // Warm-up (JIT until quiet, connection pool, EF's query cache), then the measured loop.
    await AaiProxy.Bench.JitWarmUp.RunAsync(Math.Min(2, seconds), _ => compute());
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var n = 0;
    (int Bytes, int Kept) last = default;
    while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        last = await compute();
        n++;
    }

    var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    return (n / used, last.Bytes, last.Kept);
}

(int Bytes, int Kept) Floor()
{
    using var connection = new SqliteConnection(connectionString);
    connection.Open();
    using var command = connection.CreateCommand();
    // The person's active memberships now, with group path and proposal, ranked as the shaper ranks:
    // groups that are no proposal's team first, then most recently started, then by path.
    command.CommandText = """
        SELECT g.Path, m.Roles, p.ProposalId, p.EmbargoEnd
        FROM Memberships m JOIN Groups g ON g.Id = m.GroupId LEFT JOIN Proposals p ON p.TeamGroupId = g.Id
        WHERE m.AccountId = $account AND m.Status = 'Active'
          AND (m.Start IS NULL OR m.Start <= $now) AND (m.End IS NULL OR m.End > $now)
        ORDER BY p.Id IS NOT NULL, m.Start DESC, g.Path
        """;
    command.Parameters.AddWithValue("$account", AccountId);
    // The SQLite context stores DateTimeOffset as DateTimeOffsetToBinaryConverter's long.
    command.Parameters.AddWithValue("$now", new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter()
        .ConvertToProvider(now));
    using var reader = command.ExecuteReader();
    var buffer = new MemoryStream();
    using var json = new Utf8JsonWriter(buffer);
    var entitlementValues = new List<string>();
    var proposals = new List<(string Id, string[] Roles)>();
    var plain = new List<string>();
    var bytes = 0;
    while (reader.Read())
    {
        var path = GroupPath.Parse(reader.GetString(0));
        var roles = RoleSet.Of(reader.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries));
        var values = EntitlementUrn.ForMembership(entitlements, path, roles);
        var proposal = reader.IsDBNull(2) ? null : reader.GetString(2);
        // Greedy within the budget: the grant's strings as they would appear in the JSON members.
        var size = values.Sum(value => value.Length + 3) + (proposal is null ? 0 : 2 * proposal.Length + 64);
        if (bytes + size > policy.ByteBudget)
            break;
        bytes += size;
        entitlementValues.AddRange(values);
        if (proposal is not null)
        {
            proposals.Add((proposal, [.. roles.Roles]));
            plain.Add(proposal);
        }
    }

    json.WriteStartObject();
    json.WriteStartArray("eduperson_entitlement");
    foreach (var value in entitlementValues)
        json.WriteStringValue(value);
    json.WriteEndArray();
    json.WriteStartArray("proposals");
    foreach (var (id, roles) in proposals)
    {
        json.WriteStartObject();
        json.WriteString("facility", facility.Code);
        json.WriteString("id", id);
        json.WriteStartArray("roles");
        foreach (var role in roles)
            json.WriteStringValue(role);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    json.WriteEndArray();
    json.WriteStartArray("groups");
    foreach (var id in plain)
        json.WriteStringValue(id);
    json.WriteEndArray();
    json.WriteEndObject();
    json.Flush();
    return ((int)buffer.Length, entitlementValues.Count);
}

void Seed(ProxyDbContext db, int count)
{
    var created = DateTimeOffset.UtcNow.AddYears(-1);
    db.CommunityAccounts.Add(new CommunityAccountEntity { Id = AccountId, PreferredUsername = "bench", CreatedAt = created, Status = AccountStatus.Active });
    GroupEntity Group(string id, string? parent, string path, GroupKind kind) =>
        new() { Id = id, ParentId = parent, Path = path, Kind = kind.ToString(), FacilityCode = kind == GroupKind.Community ? null : "bench", Visibility = nameof(GroupVisibility.Members) };
    void Member(string groupId, int daysAgo, string roles = "") =>
        db.Memberships.Add(new MembershipEntity { GroupId = groupId, AccountId = AccountId, Roles = roles, Start = DateTimeOffset.UtcNow.AddDays(-daysAgo), Status = nameof(MembershipStatus.Active) });

    db.Groups.Add(Group("g-pan", null, "/pan", GroupKind.Community));
    db.Groups.Add(Group("g-bench", "g-pan", "/pan/bench", GroupKind.Facility));
    Member("g-pan", 400);
    Member("g-bench", 399);
    for (var i = 0; i < count - 2; i++)
    {
        var proposalId = (20240000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var groupId = "g-team-" + proposalId;
        db.Groups.Add(Group(groupId, "g-bench", "/pan/bench/" + proposalId, GroupKind.Team));
        var start = DateTimeOffset.UtcNow.AddDays(-(i % 365) - 1);
        Member(groupId, (i % 365) + 1, i % 7 == 0 ? "pi" : "");
        db.Proposals.Add(new ProposalEntity
        {
            FacilityCode = "bench",
            ProposalId = proposalId,
            Title = "Bench proposal " + proposalId,
            SessionsJson = JsonSerializer.Serialize(new[] { new { Instrument = "beamline-" + (i % 12), Start = start.AddDays(30), End = start.AddDays(33) } }),
            TeamJson = JsonSerializer.Serialize(new[] { new { Account = AccountId, Roles = i % 7 == 0 ? new[] { "pi" } : Array.Empty<string>() } }),
            TeamGroupId = groupId,
        });
    }
}
