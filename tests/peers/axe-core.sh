#!/usr/bin/env bash
# axe-core (npm), the accessibility engine browser tests inject into each page they check.
# Usage: axe-core.sh install    — install once into a shared npm cache; prints script=PATH of axe.min.js.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly VERSION=4.14.1

install() {
  local cache="$PEERS_STATE_DIR/npm/axe-core-$VERSION"
  command -v npm >/dev/null || unavailable "npm is needed for axe-core"
  mkdir -p "$cache"
  (
    flock 9
    if [[ ! -f "$cache/node_modules/axe-core/axe.min.js" ]]; then
      log "npm install axe-core@$VERSION (log: $cache/npm.log)"
      npm install --prefix "$cache" --no-audit --no-fund --no-save "axe-core@$VERSION" >"$cache/npm.log" 2>&1 || exit 1
    fi
  ) 9>"$PEERS_STATE_DIR/npm.lock" || { tail -n 20 "$cache/npm.log" >&2 || true; unavailable "npm install axe-core failed"; }
  echo "script=$cache/node_modules/axe-core/axe.min.js"
}

case "${1:-}" in
  install) mkdir -p "$PEERS_STATE_DIR"; install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
