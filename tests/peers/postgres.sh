#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on 127.0.0.1: trust auth, superuser "postgres", fsync off, cluster and
# socket under DIR (never pg_createcluster: it writes to /etc).
# Usage: postgres.sh start DIR PORT   — prints an Npgsql connection string (AAIPROXY_TEST_POSTGRES)
#        postgres.sh stop DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly PG_BIN=/usr/lib/postgresql/15/bin

as_postgres() { runuser -u postgres -- "$@"; }

start() {
  local dir port
  dir="$(absolute_dir "$1")"; port="$2"
  require_port "$port"
  ensure_packages postgresql
  require_root
  [[ -x "$PG_BIN/initdb" ]] || unavailable "$PG_BIN/initdb missing"
  pid_alive "$dir/postgres.pid" && die "already running in $dir (pid $(<"$dir/postgres.pid"))"
  # The postgres user must reach DIR and own the cluster and socket directories.
  chmod o+x "$dir"
  mkdir -p "$dir/data" "$dir/socket"
  chown postgres:postgres "$dir/data" "$dir/socket"
  if [[ ! -s "$dir/data/PG_VERSION" ]]; then
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 \
      || unavailable "initdb failed (see $dir/initdb.log)"
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/socket/postgres.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || unavailable "pg_ctl start failed (see $dir/socket/postgres.log)"
  head -n1 "$dir/data/postmaster.pid" >"$dir/postgres.pid"
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

stop() {
  local dir
  dir="$(absolute_dir "$1")"
  [[ -s "$dir/postgres.pid" ]] || return 0
  # SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, stop at once.
  if pid_alive "$dir/postgres.pid"; then kill -INT "$(<"$dir/postgres.pid")"; fi
  stop_pidfile "$dir/postgres.pid"
}

case "${1:-}" in
  start) (($# == 3)) || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; start "$2" "$3" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
