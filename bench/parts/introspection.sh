#!/usr/bin/env bash
# Introspection (RFC 7662) per second: the proxy against node oidc-provider 9.x, the caller being the
# client the token was issued to (client_secret_basic). oidc-provider introspects only the tokens it
# stores (opaque ones): like for like, the proxy's client with reference access tokens
# (Clients[].AccessTokenFormat: Reference, an opaque handle to the stored token entry); the proxy's usual JWT
# access tokens (introspected against their token entry) are rows of their own.
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
  WRK_BODY="$body" WRK_AUTH="$auth" warm_up_settled "$url" "$lua" "$pid"
  bench_log "$label: warm-up $WARM_SECONDS s"
  for c in $BENCH_CONCURRENCY; do
    WRK_BODY="$body" WRK_AUTH="$auth" run_wrk "$label" "$c" "$url" "$lua" "$pid"
    if [[ "$label" == node ]]; then
      node_rps[$c]="$WRK_RPS"
      rows+=("| node oidc-provider (opaque token) | $c | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | $WRK_ERRORS | 1.00 |")
    else
      rows+=("| proxy, $label | $c | $WRK_RPS | $WRK_P50 / $WRK_P99 | $SERVER_CPU_MS | $WRK_ERRORS | $(ratio "$WRK_RPS" "${node_rps[$c]}") |")
    fi
  done
}

node_dir="$BENCH_TMP/node"; mkdir -p "$node_dir"; new_secret "$node_dir/client-secret"
node_secret="$(<"$node_dir/client-secret")"
start_node_provider "$node_dir" opaque "$BENCH_CLIENT_ID" "$node_secret" "$BENCH_RESOURCE"
measure node "$NODE_URL/token/introspection" "$NODE_PID" "$BENCH_CLIENT_ID" "$node_secret" \
  "$(issue "$NODE_URL/token" "$BENCH_CLIENT_ID" "$node_secret")"
stop_pid "$NODE_PID"

# A second client, like the first but with reference access tokens (the same secret file).
readonly REFERENCE_CLIENT_ID=bench-reference
reference_client() {
  local c=AaiProxy__Clients__1
  echo "${c}__ClientId=$REFERENCE_CLIENT_ID" "${c}__Type=Confidential" "${c}__ClientSecretFile=$1/client-secret" \
    "${c}__AllowedGrants__0=client_credentials" "${c}__AllowedScopes__0=$BENCH_SCOPE" "${c}__Resources__0=$BENCH_RESOURCE" \
    "${c}__AccessTokenFormat=Reference"
}

# measure_proxy LABEL [ENV=VALUE ...] — the proxy with the given extra settings: its JWT client's rows, and with
# PROXY_REFERENCE set first the reference-token client's rows (at the highest concurrency only otherwise).
measure_proxy() {
  local label="$1" dir secret
  shift
  dir="$BENCH_TMP/proxy-$(echo "$label" | tr -c 'a-zA-Z0-9' '-')"
  mkdir -p "$dir"; new_secret "$dir/client-secret"
  # shellcheck disable=SC2046 # one assignment a word
  start_proxy "$server_out" "$dir" $(reference_client "$dir") "$@"
  secret="$(<"$dir/client-secret")"
  if [[ -n "${PROXY_REFERENCE:-}" ]]; then
    measure "$label (**reference token**: opaque, stored entry)" "$PROXY_URL/connect/introspect" "$PROXY_PID" "$REFERENCE_CLIENT_ID" "$secret" \
      "$(issue "$PROXY_URL/connect/token" "$REFERENCE_CLIENT_ID" "$secret")"
  fi
  BENCH_CONCURRENCY="${PROXY_JWT_CONCURRENCY:-$BENCH_CONCURRENCY}" measure "$label (JWT access token, stored entry)" \
    "$PROXY_URL/connect/introspect" "$PROXY_PID" "$BENCH_CLIENT_ID" "$secret" "$(issue "$PROXY_URL/connect/token" "$BENCH_CLIENT_ID" "$secret")"
  stop_pid "$PROXY_PID"
}

# Before issue 18's fixes every call paid PBKDF2 for the caller's secret, then read the client from the database.
highest="${BENCH_CONCURRENCY##* }"
PROXY_JWT_CONCURRENCY="$highest" measure_proxy "SQLite, PBKDF2 each request (before)" AaiProxy__Tokens__VerifiedSecretLifetime=00:00:00
PROXY_REFERENCE=1 PROXY_JWT_CONCURRENCY="$highest" measure_proxy "SQLite, remembered secret and client"
load_after="$(machine_load)"

{
  echo "## Introspection"
  echo
  echo "The client introspects an access token issued to itself (\`client_secret_basic\`, so each call"
  echo "also authenticates the client). node oidc-provider introspects only tokens it stores (opaque): the proxy's"
  echo "like-for-like rows are a client with **reference** access tokens (\`Clients[].AccessTokenFormat: Reference\`: an"
  echo "opaque handle to the stored entry holding the JWT); its usual JWT access tokens are introspected against their"
  echo "stored token entry too (so a revocation counts at once). wrk on loopback, ${BENCH_SECONDS} s per row, each server's"
  echo "rows after a warm-up at 4 connections that lasts until its CPU per call settles (2-s rounds until two in a row"
  echo "are within 10 %, at least 16 s, at most 30 s: the tiered JIT compiles for longer than 4 s); load"
  echo "average (1 min) before/after: $load_before / $load_after on $(nproc) cores."
  echo
  echo "| Server | Connections | Introspections/s | p50 / p99 ms | CPU ms/call | Errors | Ratio to node |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} >"$output"
