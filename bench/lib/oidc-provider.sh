#!/usr/bin/env bash
# Starting the bench's node oidc-provider (bench/oidc-provider/server.mjs). Source after common.sh.
# Its npm packages are those of tests/peers/oidc-provider (installed once into the peers' cache by that script).
# Its RS256 key has the size the proxy generates by default (Keys:RsaSigningKeySize), so that rows compare like with like.
readonly BENCH_RSA_BITS=2048

# start_node_provider DIR FORMAT CLIENT_ID SECRET RESOURCE — starts it; sets NODE_PID and NODE_URL.
start_node_provider() {
  local dir="$1" format="$2" client_id="$3" secret="$4" resource="$5" cache port
  mkdir -p "$dir"
  # The same npm packages as the tests' oidc-provider peer, from the same cache.
  cache="$(bash "$BENCH_ROOT/tests/peers/oidc-provider.sh" install)" || die "oidc-provider could not be installed"
  cp "$BENCH_ROOT/bench/oidc-provider/server.mjs" "$cache/bench-server.mjs"
  port="$(free_port)"
  OP_RSA_BITS="${OP_RSA_BITS:-$BENCH_RSA_BITS}" OP_PORT="$port" OP_CLIENT_ID="$client_id" OP_CLIENT_SECRET="$secret" OP_RESOURCE="$resource" OP_TOKEN_FORMAT="$format" \
    NODE_ENV=production node "$cache/bench-server.mjs" >"$dir/node.log" 2>&1 &
  NODE_PID=$!
  bench_track "$NODE_PID"
  NODE_URL="http://127.0.0.1:$port"
  wait_listening "$NODE_URL/.well-known/openid-configuration" 30 "$NODE_PID" || { tail -n 20 "$dir/node.log" >&2; die "oidc-provider did not start"; }
}
