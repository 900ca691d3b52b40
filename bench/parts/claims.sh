#!/usr/bin/env bash
# The group/proposal claim computation for a person in 500 groups (bench/ClaimsBench): the proxy's own path
# (EF Core load, lifecycle, shaping within the byte budget, JSON) against one raw SQL join written as the same
# claims (the floor), per CPU second of one thread, on SQLite.
# Usage: claims.sh OUTPUT.md   (BENCH_SECONDS, BENCH_NO_BUILD=1, BENCH_CLAIMS_GROUPS=500)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
output="$1"
groups="${BENCH_CLAIMS_GROUPS:-500}"
project="$BENCH_ROOT/bench/ClaimsBench"
out="$project/bin/Release/net10.0"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  bench_log "dotnet build bench/ClaimsBench -c Release"
  dotnet build "$project" -c Release -nologo -clp:ErrorsOnly >&2
fi
[[ -f "$out/ClaimsBench.dll" ]] || die "no $out/ClaimsBench.dll"
load_before="$(machine_load)"
bench_log "claims for a person in $groups groups"
dotnet "$out/ClaimsBench.dll" "$BENCH_TMP/claims" "$BENCH_SECONDS" "$groups" >"$BENCH_TMP/claims.txt"
load_after="$(machine_load)"
get() { awk -F= -v k="$1" '$1 == k { print $2 }' "$BENCH_TMP/claims.txt"; }
per_ms() { awk -v r="$1" 'BEGIN { printf "%.2f", 1000 / r }'; }
{
  echo "## Group and proposal claims for a person in $groups groups"
  echo
  echo "One person in $groups groups of a migrated SQLite database: the community, the facility and $((groups - 2)) proposal"
  echo "team groups with their proposals (all memberships active). **Proxy**: what \`GroupClaimsEnricher\` does at every"
  echo "token issue, refresh and userinfo call for a client that sees the facility — a DI scope, \`IGroupReader.LoadPersonAsync\`"
  echo "(EF Core: one untracked join of memberships, groups and proposals), \`PersonAccess.At\`, \`GroupClaimsShaper.Shape\` within the default"
  echo "4,096-byte budget (\`eduperson_entitlement\`, \`proposals\`, a plain \`groups\` claim), the claims as JSON."
  echo "**Floor** (no other proxy computes these claims, so the peer is the least any implementation must do): one raw"
  echo "SQL join over the same tables read with ADO.NET (no EF), ranked in SQL as the shaper ranks, written greedily up to"
  echo "the same budget with \`Utf8JsonWriter\`. One thread, computations per CPU second of the process (per core);"
  echo "${BENCH_SECONDS} s each after a warm-up. Load average (1 min) before/after: $load_before / $load_after on $(nproc) cores."
  echo
  echo "| Computation | Per CPU second | CPU ms each | Claim bytes | Entitlements kept | Ratio to floor |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| proxy: load + lifecycle + shaping + JSON | $(get proxy_per_cpu_second) | $(per_ms "$(get proxy_per_cpu_second)") | $(get proxy_bytes) | $(get proxy_entitlements) | $(ratio "$(get proxy_per_cpu_second)" "$(get floor_per_cpu_second)") |"
  echo "| proxy: lifecycle + shaping + JSON alone (person loaded once) | $(get shape_per_cpu_second) | $(per_ms "$(get shape_per_cpu_second)") | - | - | $(ratio "$(get shape_per_cpu_second)" "$(get floor_per_cpu_second)") |"
  echo "| floor: one SQL join + Utf8JsonWriter | $(get floor_per_cpu_second) | $(per_ms "$(get floor_per_cpu_second)") | $(get floor_bytes) | $(get floor_entitlements) | 1.00 |"
} >"$output"
