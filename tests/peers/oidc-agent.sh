#!/usr/bin/env bash
# A throwaway oidc-agent (Debian oidc-agent, the token agent scientists use) with all its state under DIR: its
# UNIX socket (DIR/sock/oidc-agent.sock), its configuration directory (DIR/config, OIDC_CONFIG_DIR), its pid.
# oidc-agent talks to the proxy over HTTP on 127.0.0.1; clients (oidc-gen, oidc-token) reach it by OIDC_SOCK.
# Usage: oidc-agent.sh start DIR   — prints socket= and config_dir= (set OIDC_SOCK and OIDC_CONFIG_DIR to them)
#        oidc-agent.sh stop DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start() {
  local dir printed pid
  dir="$(absolute_dir "$1")"
  ensure_packages oidc-agent-cli
  command -v oidc-agent >/dev/null || unavailable "oidc-agent is not installed"
  [[ -s "$dir/oidc-agent.pid" ]] && kill -0 -- "-$(<"$dir/oidc-agent.pid")" 2>/dev/null && die "already running in $dir (pid $(<"$dir/oidc-agent.pid"))"
  mkdir -p "$dir/sock" "$dir/config"
  chmod 700 "$dir/sock" "$dir/config"
  # It daemonizes and prints `OIDC_SOCK=…; export OIDC_SOCK;` and `OIDCD_PID=…; export OIDCD_PID;`. No autoload and no
  # automatic re-authentication: a test never wants the agent to open a browser or prompt on its own.
  printed="$(OIDC_CONFIG_DIR="$dir/config" oidc-agent --socket-path="$dir/sock/oidc-agent.sock" --no-autoload \
    --no-autoreauthenticate 2>"$dir/oidc-agent.err")" || unavailable "oidc-agent did not start: $(tail -n 3 "$dir/oidc-agent.err")"
  pid="$(sed -n 's/^OIDCD_PID=\([0-9]*\);.*/\1/p' <<<"$printed")"
  [[ -n "$pid" ]] || die "oidc-agent printed no pid: $printed"
  # Its process group (the daemon and its worker) is what stop ends.
  ps -o pgid= -p "$pid" | tr -d ' ' >"$dir/oidc-agent.pid"
  [[ -S "$dir/sock/oidc-agent.sock" ]] || { stop "$dir"; unavailable "oidc-agent made no socket in $dir/sock"; }
  echo "socket=$dir/sock/oidc-agent.sock"
  echo "config_dir=$dir/config"
}

stop() {
  # The pid file names the daemon's process group (the daemon and its worker).
  stop_pidfile "$(absolute_dir "$1")/oidc-agent.pid" group
}

case "${1:-}" in
  start) (($# == 2)) || { echo "usage: $0 start DIR" >&2; exit 2; }; start "$2" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac
