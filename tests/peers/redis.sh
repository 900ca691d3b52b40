#!/usr/bin/env bash
# A throwaway Redis on 127.0.0.1, no persistence, all state under DIR.
# Usage: redis.sh start DIR PORT   — prints host:port (the AAIPROXY_TEST_REDIS format)
#        redis.sh restart DIR PORT — shuts down saving its data (DIR/dump.rdb), starts again with it: a Redis
#                                   restart that keeps what it held, as a persistent production Redis does
#        redis.sh stop DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start() {
  local dir port
  dir="$(absolute_dir "$1")"; port="$2"
  require_port "$port"
  ensure_packages redis-server
  pid_alive "$dir/redis.pid" && die "already running in $dir (pid $(<"$dir/redis.pid"))"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$dir/redis.pid" \
    --dir "$dir" --logfile "$dir/redis.log" --save '' --appendonly no \
    || unavailable "redis-server did not start (see $dir/redis.log)"
  wait_for_tcp "$port" 10 || { stop "$dir"; unavailable "redis not listening on $port (see $dir/redis.log)"; }
  echo "127.0.0.1:$port"
}

stop() {
  stop_pidfile "$(absolute_dir "$1")/redis.pid"
}

restart() {
  local dir port
  dir="$(absolute_dir "$1")"; port="$2"
  redis-cli -h 127.0.0.1 -p "$port" SHUTDOWN SAVE >/dev/null 2>&1 || true
  stop "$dir"
  start "$dir" "$port"
}

case "${1:-}" in
  start) (($# == 3)) || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$2" "$3" ;;
  restart) (($# == 3)) || { echo "usage: $0 restart DIR PORT" >&2; exit 2; }; restart "$2" "$3" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | restart DIR PORT | stop DIR" >&2; exit 2 ;;
esac
