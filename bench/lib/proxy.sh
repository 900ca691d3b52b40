#!/usr/bin/env bash
# Starting the proxy for a benchmark: the Release build run as `dotnet AaiProxy.Server.dll`, logging at
# Warning, the rate limit raised, one confidential client-credentials client (secret in a generated file).
# Source after common.sh.

readonly BENCH_CLIENT_ID=bench-service
readonly BENCH_RESOURCE=https://api.bench.aaiproxy.example.org/
readonly BENCH_SCOPE=eduperson_entitlement

# new_secret FILE — a generated high-entropy secret (32 random bytes, base64url), as operators are told to make.
new_secret() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$1"; }

# start_proxy OUTDIR DIR [ENV=VALUE ...] — the proxy on SQLite under DIR (or whatever the extra
# settings say); sets PROXY_PID and PROXY_URL. Extra settings are environment assignments (later ones win).
# The bench client is Clients[BENCH_CLIENT_INDEX] (0; after the demo's clients when the demo is on).
start_proxy() {
  local out="$1" dir="$2" port c="AaiProxy__Clients__${BENCH_CLIENT_INDEX:-0}"
  shift 2
  mkdir -p "$dir/data"
  [[ -s "$dir/client-secret" ]] || new_secret "$dir/client-secret"
  # One key-encryption key for every proxy of the run: variants that share a PostgreSQL database must read its keys.
  [[ -s "$BENCH_TMP/kek" ]] || head -c 32 /dev/urandom | base64 >"$BENCH_TMP/kek"
  port="$(free_port)"
  (
    cd "$out"
    exec env ASPNETCORE_ENVIRONMENT=Benchmark \
      Logging__LogLevel__Default=Warning \
      AaiProxy__DataDirectory="$dir/data" \
      AaiProxy__Keys__EncryptionKeyFile="$BENCH_TMP/kek" \
      AaiProxy__AllowInsecureHttp=true \
      AaiProxy__RateLimiting__PermitLimit=100000000 \
      "${c}__ClientId=$BENCH_CLIENT_ID" \
      "${c}__Type=Confidential" \
      "${c}__ClientSecretFile=$dir/client-secret" \
      "${c}__AllowedGrants__0=client_credentials" \
      "${c}__AllowedScopes__0=$BENCH_SCOPE" \
      "${c}__Resources__0=$BENCH_RESOURCE" \
      "$@" \
      dotnet AaiProxy.Server.dll --urls "http://127.0.0.1:$port"
  ) >"$dir/proxy.log" 2>&1 &
  PROXY_PID=$!
  bench_track "$PROXY_PID"
  PROXY_URL="http://127.0.0.1:$port"
  wait_listening "$PROXY_URL/healthz" 120 "$PROXY_PID" || { tail -n 30 "$dir/proxy.log" >&2; die "the proxy did not start (see above)"; }
}

# stop_pid PID — end a process this part started, by its id.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# basic_auth ID SECRET — the Authorization header value of client_secret_basic (RFC 6749 2.3.1).
basic_auth() { printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }
