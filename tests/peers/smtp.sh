#!/usr/bin/env bash
# A throwaway SMTP sink on 127.0.0.1 (Debian python3-aiosmtpd): every accepted message becomes one
# .eml file in DIR/mail, written before the 250 reply.
# Usage: smtp.sh start DIR PORT   — prints key=value lines: smtp (host:port), maildir
#        smtp.sh stop DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian's module lives with Debian's interpreter, not with a python3 that may come first on PATH.
readonly PYTHON=/usr/bin/python3

start() {
  local dir port
  dir="$(absolute_dir "$1")"; port="$2"
  require_port "$port"
  ensure_packages python3-aiosmtpd
  "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || unavailable "python3-aiosmtpd is not importable by $PYTHON"
  pid_alive "$dir/smtp.pid" && die "already running in $dir (pid $(<"$dir/smtp.pid"))"
  mkdir -p "$dir/mail"
  nohup "$PYTHON" "$PEERS_DIR/smtp/sink.py" "$port" "$dir/mail" >"$dir/smtp.log" 2>&1 &
  echo $! >"$dir/smtp.pid"
  wait_for_tcp "$port" 10 || { stop "$dir"; unavailable "SMTP sink not listening on $port (see $dir/smtp.log)"; }
  echo "smtp=127.0.0.1:$port"
  echo "maildir=$dir/mail"
}

stop() {
  stop_pidfile "$(absolute_dir "$1")/smtp.pid"
}

case "${1:-}" in
  start) (($# == 3)) || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
