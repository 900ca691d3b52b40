#!/usr/bin/env bash
# Token issuance: client-credentials RS256 JWT access tokens per second over HTTP on loopback, the
# proxy (SQLite; PostgreSQL when a throwaway one starts) against node oidc-provider 9.x configured the
# same way, at each of BENCH_CONCURRENCY wrk connections for BENCH_SECONDS each; `openssl speed`
# signing rates as the ceiling; idle and loaded RSS of both servers.
# Usage: tokens.sh OUTPUT.md   (BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_NO_BUILD=1, BENCH_NO_POSTGRES=1)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
source "$BENCH_ROOT/bench/lib/http-part.sh"
output="$1"

bench_log "openssl speed (ceiling)"
rsa1="$(openssl_sign_rate rsa2048)"; rsa2="$(openssl_sign_rate rsa2048 2)"
rsa3k1="$(openssl_sign_rate rsa3072)"; rsa3k2="$(openssl_sign_rate rsa3072 2)"
ec1="$(openssl_sign_rate ecdsap256)"; ec2="$(openssl_sign_rate ecdsap256 2)"

rows=()       # table rows
memory=()     # memory rows
declare -A node_rps node_es_rps node_3k_rps
BEST_PROXY=0  # the best proxy tokens/s of the part, against the signing ceiling

# token_body — the form body both servers get (the resource is each one's single audience).
token_body="grant_type=client_credentials&scope=$BENCH_SCOPE"

# measure_node [ALG [CONCURRENCY...]] — node oidc-provider (JWT access tokens; RS256 with a BENCH_RSA_BITS key, or
# NODE_RSA_BITS, unless ES256) at every concurrency (or those given); its rates are the ratios' denominators (node_rps,
# node_es_rps for ES256, node_3k_rps for a 3072-bit key).
measure_node() {
  local alg="${1:-RS256}" dir="$BENCH_TMP/node-${1:-RS256}-${NODE_RSA_BITS:-$BENCH_RSA_BITS}" secret c idle label="node oidc-provider" concurrency
  shift || true
  concurrency="${*:-$BENCH_CONCURRENCY}"
  [[ "$alg" == ES256 ]] && label="node oidc-provider, **ES256**"
  [[ -n "${NODE_RSA_BITS:-}" ]] && label="node oidc-provider, **RSA-$NODE_RSA_BITS**"
  mkdir -p "$dir"; new_secret "$dir/client-secret"; secret="$(<"$dir/client-secret")"
  OP_ALG="$alg" OP_RSA_BITS="${NODE_RSA_BITS:-$BENCH_RSA_BITS}" start_node_provider "$dir" jwt "$BENCH_CLIENT_ID" "$secret" "$BENCH_RESOURCE"
  check_token "$NODE_URL/token" "$BENCH_CLIENT_ID" "$secret"
  idle="$(rss_kb "$NODE_PID" VmRSS)"
  WRK_BODY="$token_body" WRK_AUTH="$(basic_auth "$BENCH_CLIENT_ID" "$secret")" warm_up "$NODE_URL/token" "$lua"
  for c in $concurrency; do
    WRK_BODY="$token_body" WRK_AUTH="$(basic_auth "$BENCH_CLIENT_ID" "$secret")" run_wrk "node-$alg" "$c" "$NODE_URL/token" "$lua" "$NODE_PID"
    if [[ "$alg" == ES256 ]]; then node_es_rps[$c]="$WRK_RPS"; elif [[ -n "${NODE_RSA_BITS:-}" ]]; then node_3k_rps[$c]="$WRK_RPS"; else node_rps[$c]="$WRK_RPS"; fi
    rows+=("| $label | $c | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | $WRK_ERRORS | $(wrk_share) | 1.00 |")
  done
  memory+=("| $label | $(mb "$idle") | $(mb "$(rss_kb "$NODE_PID" VmHWM)") | - |")
  [[ "$alg" == ES256 || -n "${NODE_RSA_BITS:-}" ]] || NODE_IDLE="$idle"
  stop_pid "$NODE_PID"
}

# measure_proxy LABEL [ENV=VALUE ...] — the proxy with the given extra settings at every concurrency
# (PROXY_CONCURRENCY if set), plus one run with a wrong secret at the highest; ratios against node_rps
# (node_es_rps when PROXY_ES256 is set, node_3k_rps when PROXY_3072 is). The proxy's figures before issue 18 are the SQLite
# PBKDF2 row.
measure_proxy() {
  local label="$1" dir secret c idle last denominator
  shift
  dir="$BENCH_TMP/proxy-$(echo "$label" | tr -c 'a-zA-Z0-9' '-')"
  start_proxy "$server_out" "$dir" "$@"
  secret="$(<"$dir/client-secret")"
  check_token "$PROXY_URL/connect/token" "$BENCH_CLIENT_ID" "$secret"
  idle="$(rss_kb "$PROXY_PID" VmRSS)"
  WRK_BODY="$token_body" WRK_AUTH="$(basic_auth "$BENCH_CLIENT_ID" "$secret")" warm_up "$PROXY_URL/connect/token" "$lua"
  for c in ${PROXY_CONCURRENCY:-$BENCH_CONCURRENCY}; do
    WRK_BODY="$token_body" WRK_AUTH="$(basic_auth "$BENCH_CLIENT_ID" "$secret")" run_wrk "$label" "$c" "$PROXY_URL/connect/token" "$lua" "$PROXY_PID"
    if [[ -n "${PROXY_ES256:-}" ]]; then denominator="${node_es_rps[$c]:-}"
    elif [[ -n "${PROXY_3072:-}" ]]; then denominator="${node_3k_rps[$c]:-}"
    else denominator="${node_rps[$c]:-}"; fi
    rows+=("| proxy, $label | $c | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | $WRK_ERRORS | $(wrk_share) | $(ratio "$WRK_RPS" "$denominator") |")
    last="$c"
    [[ -z "${PROXY_ES256:-}${PROXY_3072:-}" ]] && ((WRK_RPS > BEST_PROXY)) && BEST_PROXY="$WRK_RPS"
  done
  # A wrong secret: what an attacker's guess costs (every response is a 401, counted as errors); for the
  # variants that say PROXY_WRONG=1 (the command's time budget).
  if [[ -n "${PROXY_WRONG:-}" ]]; then
  WRK_BODY="$token_body" WRK_AUTH="$(basic_auth "$BENCH_CLIENT_ID" "wrong-$secret")" run_wrk "$label-wrong" "$last" "$PROXY_URL/connect/token" "$lua" "$PROXY_PID"
  rows+=("| proxy, $label, **wrong secret** (401s) | $last | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | (all) | $(wrk_share) | - |")
  fi
  memory+=("| proxy, $label | $(mb "$idle") | $(mb "$(rss_kb "$PROXY_PID" VmHWM)") | $(ratio "$idle" "$NODE_IDLE") |")
  stop_pid "$PROXY_PID"
}

# check_token URL ID SECRET — one request must yield a JWT access token (else the part cannot run).
check_token() {
  local body
  body="$(curl -s -u "$2:$3" -d "$token_body" "$1")"
  grep -Eq '"access_token": *"ey' <<<"$body" || die "no JWT access token from $1: $body"
}

# wrk_share — the load generator's CPU over the last run, in % of one core.
wrk_share() { awk -v c="$WRK_CPU" -v s="$BENCH_SECONDS" 'BEGIN { printf "%.0f%%", c * 100 / s }'; }

# The token endpoint before and after issue 18's fixes, in the same run: "PBKDF2 each request" is the
# original behaviour (no remembered secrets, every token stored, a 3072-bit key).
readonly RSA3072=(AaiProxy__Keys__RsaSigningKeySize=3072)
readonly BEFORE=(AaiProxy__Tokens__VerifiedSecretLifetime=00:00:00 "${RSA3072[@]}")
readonly CACHED=()
readonly UNSTORED=(AaiProxy__Clients__0__StoreClientCredentialsTokens=false)

# The before and intermediate variants at the highest concurrency only (the command's time budget).
highest="${BENCH_CONCURRENCY##* }"
measure_node
NODE_RSA_BITS=3072 measure_node RS256 "$highest"
PROXY_3072=1 PROXY_WRONG=1 PROXY_CONCURRENCY="$highest" measure_proxy "SQLite, PBKDF2 each request, RSA-3072 (before)" "${BEFORE[@]}"
PROXY_CONCURRENCY="$highest" measure_proxy "SQLite, remembered secret" "${CACHED[@]}"
# The key size alone, like for like with node's 3072-bit row.
PROXY_3072=1 PROXY_CONCURRENCY="$highest" measure_proxy "SQLite, remembered secret, unstored tokens, **RSA-3072** (before)" "${UNSTORED[@]}" "${RSA3072[@]}"
PROXY_WRONG=1 measure_proxy "SQLite, remembered secret, unstored tokens" "${UNSTORED[@]}"
# Like for like with a signature that costs little (P-256): what is left is each server's own overhead.
# Only at the highest concurrency (the command's time budget).
measure_node ES256 "$highest"
PROXY_ES256=1 PROXY_CONCURRENCY="$highest" measure_proxy "SQLite, remembered secret, unstored tokens, **ES256**" "${UNSTORED[@]}" AaiProxy__Tokens__SigningAlgorithm=ES256
if [[ -z "${BENCH_NO_POSTGRES:-}" ]]; then
  pg_dir="$BENCH_TMP/postgres"; pg_port="$(free_port)"
  chmod o+x "$BENCH_TMP"  # the postgres user must reach its cluster directory
  if pg="$(bash "$BENCH_ROOT/tests/peers/postgres.sh" start "$pg_dir" "$pg_port")"; then
    bench_on_exit "bash '$BENCH_ROOT/tests/peers/postgres.sh' stop '$pg_dir'"
    on_postgres=(AaiProxy__Database__Provider=PostgreSql AaiProxy__SingleNode=true ConnectionStrings__AaiProxy="$pg")
    PROXY_CONCURRENCY="$highest" measure_proxy "PostgreSQL, remembered secret" "${on_postgres[@]}" "${CACHED[@]}"
    measure_proxy "PostgreSQL, remembered secret, unstored tokens" "${on_postgres[@]}" "${UNSTORED[@]}"
    bash "$BENCH_ROOT/tests/peers/postgres.sh" stop "$pg_dir" >/dev/null
  else
    rows+=("| proxy, PostgreSQL | - | not measured: tests/peers/postgres.sh could not start a throwaway PostgreSQL | | | | | |")
  fi
fi
load_after="$(machine_load)"

{
  echo "## Token issuance (client credentials)"
  echo
  echo "One confidential client, \`client_secret_basic\` with a generated 32-byte secret, scope \`$BENCH_SCOPE\`,"
  echo "one resource: both servers return an RS256-signed JWT access token (RFC 9068) valid for an hour,"
  echo "signed with a $BENCH_RSA_BITS-bit RSA key (the size the proxy generates, \`Keys:RsaSigningKeySize\`; node is given the same size;"
  echo "the **RSA-3072** rows give both the size the proxy generated before); the **ES256** rows give"
  echo "both servers a P-256 key instead (the proxy's \`Tokens:SigningAlgorithm=ES256\`), so that the signature costs little and"
  echo "what remains is each server's own work per token. Each server gets ${BENCH_WARMUP_SECONDS} s of unrecorded load first."
  echo "wrk on loopback, ${BENCH_SECONDS} s per row; *CPU ms/token* is the server process's user+system CPU"
  echo "per request over the row; *wrk CPU* is the load generator's share of one core. Load average"
  echo "(1 min) before/after the part: $load_before / $load_after on $(nproc) cores."
  echo
  echo "| Server | Connections | Tokens/s | p50 / p99 ms | CPU ms/token | Errors | wrk CPU | Ratio to node |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo "| refresh_token grant | - | see *Brokered logins and the refresh_token grant* (\`logins\` part): it needs the refresh tokens of real logins | | | | | |"
  echo
  echo "Ceiling, \`openssl speed -seconds 1\` in the same run (signatures/s):"
  echo
  echo "| Algorithm | 1 process | 2 processes (\`-multi 2\`) | Best proxy row / 2-process rate |"
  echo "|---|---:|---:|---:|"
  echo "| RSA-2048 (RS256, the proxy's default key and here node's) | $rsa1 | $rsa2 | $(ratio "$BEST_PROXY" "$rsa2") |"
  echo "| RSA-3072 (RS256, the **RSA-3072** rows) | $rsa3k1 | $rsa3k2 | - |"
  echo "| ECDSA P-256 (ES256) | $ec1 | $ec2 | - |"
  echo
  echo "Memory (MB): idle = after start and one token; peak = VmHWM after the part's load."
  echo
  echo "| Server | Idle RSS | Peak RSS | Idle ratio to node |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${memory[@]}"
} >"$output"
