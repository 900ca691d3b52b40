#!/usr/bin/env bash
# node's oidc-provider (9.x, npm) as a throwaway upstream OpenID Provider on 127.0.0.1: a provider
# nobody here wrote, for the proxy's upstream OpenID Connect tests. The npm packages are installed once
# into a cache under the peers' state directory (PEERS_STATE_DIR/npm/<hash of package.json>).
#
# Usage: oidc-provider.sh start DIR PORT CALLBACK_BASE
#          CALLBACK_BASE: the proxy's scheme base for this provider (BASE/callback and BASE/signed-out
#          are the client's registered redirect URIs), e.g. http://localhost/upstream/oidc/peer
#          Prints key=value lines: issuer, client_id, client_secret_file, pid.
#        oidc-provider.sh stop DIR
#        oidc-provider.sh install   — install the npm packages (once) and print the cache directory
#
# The client: id aaiproxy-test, secret in DIR/client-secret. Users: any login name at the
# devInteractions form (it becomes `sub`); names starting with "deny" end with access_denied.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly CLIENT_ID=aaiproxy-test
readonly START_TIMEOUT_SECONDS=20

# install_packages — the npm dependencies in the shared cache (flock: parallel runs share it); prints its path.
install_packages() {
  local source="$PEERS_DIR/oidc-provider" cache
  command -v node >/dev/null && command -v npm >/dev/null || unavailable "node and npm are needed"
  cache="$PEERS_STATE_DIR/npm/$(sha256sum "$source/package.json" | cut -c1-16)"
  mkdir -p "$cache"
  (
    flock 9
    if [[ ! -d "$cache/node_modules/oidc-provider" ]]; then
      cp "$source/package.json" "$cache/package.json"
      log "npm install oidc-provider (log: $cache/npm.log)"
      npm install --prefix "$cache" --no-audit --no-fund --omit=dev >"$cache/npm.log" 2>&1 || exit 1
    fi
  ) 9>"$PEERS_STATE_DIR/npm.lock" || { tail -n 20 "$cache/npm.log" >&2 || true; unavailable "npm install oidc-provider failed"; }
  echo "$cache"
}

start() {
  local dir port callback_base cache
  dir="$(absolute_dir "$1")"; port="$2"; callback_base="$3"
  require_port "$port"
  pid_alive "$dir/oidc-provider.pid" && die "already running in $dir (pid $(<"$dir/oidc-provider.pid"))"
  mkdir -p "$PEERS_STATE_DIR"
  cache="$(install_packages)"
  # The server module sits beside its node_modules, so that node resolves `oidc-provider` there.
  cp "$PEERS_DIR/oidc-provider/server.mjs" "$cache/server.mjs"
  [[ -s "$dir/client-secret" ]] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/client-secret"

  OP_PORT="$port" OP_CLIENT_ID="$CLIENT_ID" OP_CLIENT_SECRET="$(<"$dir/client-secret")" OP_CALLBACK_BASE="$callback_base" \
    NODE_ENV=development nohup node "$cache/server.mjs" >"$dir/oidc-provider.log" 2>&1 &
  echo $! >"$dir/oidc-provider.pid"
  if ! wait_for_http "http://127.0.0.1:$port/.well-known/openid-configuration" "$START_TIMEOUT_SECONDS"; then
    tail -n 20 "$dir/oidc-provider.log" >&2 || true
    stop "$dir"
    unavailable "oidc-provider did not answer on 127.0.0.1:$port (see $dir/oidc-provider.log)"
  fi
  echo "issuer=http://127.0.0.1:$port"
  echo "client_id=$CLIENT_ID"
  echo "client_secret_file=$dir/client-secret"
  echo "pid=$(<"$dir/oidc-provider.pid")"
}

stop() {
  stop_pidfile "$(absolute_dir "$1")/oidc-provider.pid"
}

case "${1:-}" in
  start) (($# == 4)) || { echo "usage: $0 start DIR PORT CALLBACK_BASE" >&2; exit 2; }; start "$2" "$3" "$4" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  install) mkdir -p "$PEERS_STATE_DIR"; install_packages ;;
  *) echo "usage: $0 start DIR PORT CALLBACK_BASE | stop DIR" >&2; exit 2 ;;
esac
