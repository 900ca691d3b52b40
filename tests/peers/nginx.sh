#!/usr/bin/env bash
# A throwaway nginx on 127.0.0.1 with all its state (pid, logs, temp paths) under DIR.
# Usage: nginx.sh start DIR PORT SITE_FILE   — SITE_FILE holds what goes inside `http { }` (upstreams,
#                                              `server` blocks); every @PORT@ in it becomes PORT and
#                                              every @DIR@ becomes DIR. Prints url=http://127.0.0.1:PORT
#        nginx.sh reload DIR                 — re-reads DIR/site.conf (edit it, then reload)
#        nginx.sh stop DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start() {
  local dir port site
  dir="$(absolute_dir "$1")"; port="$2"; site="$3"
  require_port "$port"
  [[ -r "$site" ]] || die "no site file: $site"
  ensure_packages nginx
  pid_alive "$dir/nginx.pid" && die "already running in $dir (pid $(<"$dir/nginx.pid"))"
  mkdir -p "$dir/temp"
  sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$dir|g" "$site" >"$dir/site.conf"
  cat >"$dir/nginx.conf" <<CONF
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 256; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/temp/body;
  proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi;
  scgi_temp_path $dir/temp/scgi;
  include /etc/nginx/mime.types;
  include $dir/site.conf;
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -t >"$dir/check.log" 2>&1 \
    || { cat "$dir/check.log" >&2; die "nginx rejected the configuration (see $dir/check.log)"; }
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
    || unavailable "nginx did not start (see $dir/error.log)"
  wait_for_tcp "$port" 10 || { stop "$dir"; unavailable "nginx not listening on $port (see $dir/error.log)"; }
  echo "url=http://127.0.0.1:$port"
}

reload() {
  local dir
  dir="$(absolute_dir "$1")"
  pid_alive "$dir/nginx.pid" || die "not running in $dir"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -t >"$dir/check.log" 2>&1 \
    || { cat "$dir/check.log" >&2; die "nginx rejected the configuration (see $dir/check.log)"; }
  kill -HUP "$(<"$dir/nginx.pid")"
}

stop() {
  stop_pidfile "$(absolute_dir "$1")/nginx.pid"
}

case "${1:-}" in
  start) (($# == 4)) || { echo "usage: $0 start DIR PORT SITE_FILE" >&2; exit 2; }; start "$2" "$3" "$4" ;;
  reload) (($# == 2)) || { echo "usage: $0 reload DIR" >&2; exit 2; }; reload "$2" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT SITE_FILE | reload DIR | stop DIR" >&2; exit 2 ;;
esac
