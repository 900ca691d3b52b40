#!/usr/bin/env bash
# Introspection (RFC 7662) per second: the proxy against node oidc-provider 9.x, the caller being the
# client the token was issued to (client_secret_basic). oidc-provider introspects only the tokens it
# stores (opaque ones); the proxy issues JWT access tokens and introspects them against its token
# entry, so the rows compare the proxy's JWT with node's opaque token, and say so.
# Usage: introspection.sh OUTPUT.md   (BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_NO_BUILD=1)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
source "$BENCH_ROOT/bench/lib/http-part.sh"
output="$1"
rows=()
declare -A node_rps

# issue URL ID SECRET — one client-credentials access token.
issue() {
  curl -s -u "$2:$3" -d "grant_type=client_credentials&scope=$BENCH_SCOPE" "$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# measure LABEL URL PID ID SECRET TOKEN — introspection at every concurrency; node's rows first.
measure() {
  local label="$1" url="$2" pid="$3" auth body c
  auth="$(basic_auth "$4" "$5")"
  body="token=$6&token_type_hint=access_token"
  curl -s -H "Authorization: $auth" -d "$body" "$url" | grep -Eq '"active": *true' || die "$label: the token is not active at $url"
  WRK_BODY="$body" WRK_AUTH="$auth" warm_up "$url" "$lua"
  for c in $BENCH_CONCURRENCY; do
    WRK_BODY="$body" WRK_AUTH="$auth" run_wrk "$label" "$c" "$url" "$lua" "$pid"
    if [[ "$label" == node ]]; then
      node_rps[$c]="$WRK_RPS"
      rows+=("| node oidc-provider (opaque token) | $c | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | $WRK_ERRORS | 1.00 |")
    else
      rows+=("| proxy, $label (JWT access token, stored entry) | $c | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | $WRK_ERRORS | $(ratio "$WRK_RPS" "${node_rps[$c]}") |")
    fi
  done
}

node_dir="$BENCH_TMP/node"; mkdir -p "$node_dir"; new_secret "$node_dir/client-secret"
node_secret="$(<"$node_dir/client-secret")"
start_node_provider "$node_dir" opaque "$BENCH_CLIENT_ID" "$node_secret" "$BENCH_RESOURCE"
measure node "$NODE_URL/token/introspection" "$NODE_PID" "$BENCH_CLIENT_ID" "$node_secret" \
  "$(issue "$NODE_URL/token" "$BENCH_CLIENT_ID" "$node_secret")"
stop_pid "$NODE_PID"

# measure_proxy LABEL [ENV=VALUE ...] — the proxy with the given extra settings.
measure_proxy() {
  local label="$1" dir secret
  shift
  dir="$BENCH_TMP/proxy-$(echo "$label" | tr -c 'a-zA-Z0-9' '-')"
  start_proxy "$server_out" "$dir" "$@"
  secret="$(<"$dir/client-secret")"
  measure "$label" "$PROXY_URL/connect/introspect" "$PROXY_PID" "$BENCH_CLIENT_ID" "$secret" \
    "$(issue "$PROXY_URL/connect/token" "$BENCH_CLIENT_ID" "$secret")"
  stop_pid "$PROXY_PID"
}

# Before issue 18's fixes every call paid PBKDF2 for the caller's secret, then read the client from the database.
BENCH_CONCURRENCY="${BENCH_CONCURRENCY##* }" measure_proxy "SQLite, PBKDF2 each request (before)" AaiProxy__Tokens__VerifiedSecretLifetime=00:00:00
BENCH_CONCURRENCY="${BENCH_CONCURRENCY##* }" measure_proxy "SQLite, remembered secret, client read each call (before)" AaiProxy__Tokens__ClientLookupLifetime=00:00:00
measure_proxy "SQLite, remembered secret and client"
load_after="$(machine_load)"

{
  echo "## Introspection"
  echo
  echo "The client introspects an access token issued to itself (\`client_secret_basic\`, so each call"
  echo "also authenticates the client). Not quite like with like: node oidc-provider introspects only"
  echo "tokens it stores (opaque), the proxy's are JWTs whose stored token entry it looks up (the proxy"
  echo "has no reference access tokens per client). wrk on loopback, ${BENCH_SECONDS} s per row; load"
  echo "average (1 min) before/after: $load_before / $load_after on $(nproc) cores."
  echo
  echo "| Server | Connections | Introspections/s | p50 / p99 ms | CPU ms/call | Errors | Ratio to node |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} >"$output"
