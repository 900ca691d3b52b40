#!/usr/bin/env bash
# Shared helpers for the peer scripts in tests/peers. Source it; do not run it.
#
# Conventions every peer script follows:
#   * all state of an instance lives under the DIR it is given; it binds 127.0.0.1 only;
#   * `start` writes DIR/<peer>.pid and leaves the peer running; `stop` ends it by that PID
#     (its whole process group where the peer forks workers) and is a no-op when nothing runs;
#   * missing Debian packages are installed here (we run as root; apt never auto-starts services
#     because of Debian's policy-rc.d);
#   * exit status: 0 ok, 1 failure, 77 "peer unavailable, skip" (only when CI is not "true":
#     with CI=true an unavailable peer is a failure like any other).

set -euo pipefail

PEERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly PEERS_DIR
# Machine-wide state shared by all runs: the apt lock and the "apt-get update done" marker.
PEERS_STATE_DIR="${AAIPROXY_PEERS_STATE:-/tmp/aaiproxy-peers}"
readonly PEERS_STATE_DIR
readonly EXIT_UNAVAILABLE=77

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

die() { log "error: $*"; exit 1; }

# A peer that cannot be installed or started: a skip locally, a failure in CI.
unavailable() {
  log "unavailable: $*"
  if [[ "${CI:-}" == "true" ]]; then exit 1; fi
  exit "$EXIT_UNAVAILABLE"
}

require_root() {
  [[ "$(id -u)" == 0 ]] || unavailable "must run as root to install packages and switch users"
}

# ensure_packages PKG... — install whatever is missing. `apt-get update` runs at most once per
# PEERS_STATE_DIR (the marker file), and an flock serialises concurrent callers (tests run in
# parallel and dpkg has a single lock).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  require_root
  mkdir -p "$PEERS_STATE_DIR"
  (
    flock 9
    export DEBIAN_FRONTEND=noninteractive
    if [[ ! -e "$PEERS_STATE_DIR/apt-updated" ]]; then
      log "apt-get update"
      apt-get -o DPkg::Lock::Timeout=600 update -q >>"$PEERS_STATE_DIR/apt.log" 2>&1 || exit 1
      touch "$PEERS_STATE_DIR/apt-updated"
    fi
    log "installing ${missing[*]} (log: $PEERS_STATE_DIR/apt.log)"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >>"$PEERS_STATE_DIR/apt.log" 2>&1 || exit 1
  ) 9>"$PEERS_STATE_DIR/apt.lock" || {
    tail -n 20 "$PEERS_STATE_DIR/apt.log" >&2 || true
    unavailable "could not install ${missing[*]}"
  }
}

# require_dir_arg DIR — create DIR if needed and print its absolute path.
absolute_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

require_port() {
  [[ "$1" =~ ^[0-9]+$ ]] && (("$1" > 0 && "$1" < 65536)) || die "not a port: $1"
}

# pid_alive PIDFILE — true when the PID file names a running process.
pid_alive() {
  [[ -s "$1" ]] && kill -0 "$(<"$1")" 2>/dev/null
}

# stop_pidfile PIDFILE [group] — SIGTERM the process (or its process group when "group"), wait up
# to 10 s, then SIGKILL; remove the PID file. A missing or stale PID file is not an error.
stop_pidfile() {
  local pidfile="$1" mode="${2:-}" pid target
  [[ -s "$pidfile" ]] || return 0
  pid="$(<"$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "garbage in $pidfile"
  target="$pid"
  [[ "$mode" == group ]] && target="-$pid"
  if kill -0 "$target" 2>/dev/null; then
    kill -TERM -- "$target" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$target" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$target" 2>/dev/null; then
      log "process ${target} ignored SIGTERM; killing"
      kill -KILL -- "$target" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# wait_for_http URL SECONDS — poll until URL answers with any HTTP status.
wait_for_http() {
  local url="$1" seconds="$2" i
  for ((i = 0; i < seconds * 10; i++)); do
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# wait_for_tcp PORT SECONDS — poll until 127.0.0.1:PORT accepts connections.
wait_for_tcp() {
  local port="$1" seconds="$2" i
  for ((i = 0; i < seconds * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
