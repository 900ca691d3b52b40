#!/usr/bin/env bash
# Starting the bench's node oidc-provider (bench/oidc-provider/server.mjs). Source after common.sh.
# Its npm packages are installed once into the peers' shared cache, as tests/peers/oidc-provider.sh does.

# start_node_provider DIR FORMAT CLIENT_ID SECRET RESOURCE — starts it; sets NODE_PID and NODE_URL.
start_node_provider() {
  local dir="$1" format="$2" client_id="$3" secret="$4" resource="$5" source="$BENCH_ROOT/bench/oidc-provider" cache port
  command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed"
  cache="$PEERS_STATE_DIR/npm/$(sha256sum "$source/package.json" | cut -c1-16)"
  mkdir -p "$cache" "$dir"
  (
    flock 9
    if [[ ! -d "$cache/node_modules/oidc-provider" ]]; then
      cp "$source/package.json" "$cache/package.json"
      bench_log "npm install oidc-provider (log: $cache/npm.log)"
      npm install --prefix "$cache" --no-audit --no-fund --omit=dev >"$cache/npm.log" 2>&1 || exit 1
    fi
  ) 9>"$PEERS_STATE_DIR/npm.lock" || { tail -n 20 "$cache/npm.log" >&2 || true; die "npm install oidc-provider failed"; }
  cp "$source/server.mjs" "$cache/bench-server.mjs"
  port="$(free_port)"
  OP_RSA_BITS="${OP_RSA_BITS:-3072}" OP_PORT="$port" OP_CLIENT_ID="$client_id" OP_CLIENT_SECRET="$secret" OP_RESOURCE="$resource" OP_TOKEN_FORMAT="$format" \
    NODE_ENV=production node "$cache/bench-server.mjs" >"$dir/node.log" 2>&1 &
  NODE_PID=$!
  bench_track "$NODE_PID"
  NODE_URL="http://127.0.0.1:$port"
  wait_listening "$NODE_URL/.well-known/openid-configuration" 30 "$NODE_PID" || { tail -n 20 "$dir/node.log" >&2; die "oidc-provider did not start"; }
}
