#!/usr/bin/env bash
# Shared helpers for bench/parts/*.sh. Source it; do not run it.
# Every process a part starts is recorded with bench_track and ended by its PID on exit.
set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly BENCH_ROOT
source "$BENCH_ROOT/tests/peers/lib.sh"

# Seconds per measurement (the lead runs the default on a quiet machine; development runs use 1-2).
BENCH_SECONDS="${BENCH_SECONDS:-6}"
# Unrecorded load before a server's first row (JIT, connection pools, caches).
BENCH_WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-4}"
# wrk connection counts, space-separated.
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-1 4 16}"

BENCH_TMP="$(mktemp -d /tmp/aaiproxy-bench.XXXXXX)"
readonly BENCH_TMP
BENCH_PIDS=()
BENCH_STOPS=()

bench_log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

bench_track() { BENCH_PIDS+=("$1"); }

# bench_on_exit CMD — run CMD (e.g. a peer's stop) when the part ends.
bench_on_exit() { BENCH_STOPS+=("$1"); }

bench_cleanup() {
  local pid cmd
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for cmd in "${BENCH_STOPS[@]}"; do eval "$cmd" >/dev/null 2>&1 || true; done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

# free_port — a TCP port nobody listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# build_server — Release build of the proxy (once per run); prints the output directory.
build_server() {
  local out="$BENCH_ROOT/src/AaiProxy.Server/bin/Release/net10.0"
  if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
    bench_log "dotnet build src/AaiProxy.Server -c Release"
    dotnet build "$BENCH_ROOT/src/AaiProxy.Server" -c Release -nologo -clp:ErrorsOnly >&2
  fi
  [[ -f "$out/AaiProxy.Server.dll" ]] || die "no $out/AaiProxy.Server.dll"
  echo "$out"
}

# ensure_wrk — Debian's wrk load generator.
ensure_wrk() { command -v wrk >/dev/null || ensure_packages wrk; }

# rss_kb PID FIELD — VmRSS or VmHWM of a process, in kB.
rss_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# cpu_ticks PID — user + system clock ticks the process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# wait_listening URL SECONDS PID — poll URL until it answers; fail if PID dies first.
wait_listening() {
  local url="$1" seconds="$2" pid="$3" i
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# run_wrk NAME CONNECTIONS URL LUA [server PID] — one wrk run of BENCH_SECONDS (the script sees its thread
# count in WRK_THREADS); sets the globals
# WRK_RPS, WRK_P50, WRK_P99 (ms), WRK_REQUESTS, WRK_ERRORS, WRK_CPU (wrk's own CPU seconds),
# SERVER_CPU_MS (server CPU ms per request), SERVER_RSS (kB at the end).
run_wrk() {
  local name="$1" connections="$2" url="$3" lua="$4" pid="${5:-}" out="$BENCH_TMP/wrk-$1-$2.txt" before=0 after threads
  threads=$((connections < 2 ? 1 : 2))
  [[ -n "$pid" ]] && before="$(cpu_ticks "$pid")"
  local TIMEFORMAT='%U %S'
  { time WRK_THREADS="$threads" wrk -t "$threads" -c "$connections" -d "${BENCH_SECONDS}s" --timeout 10s --latency -s "$lua" "$url" >"$out" 2>&1; } 2>"$out.time"
  [[ -n "$pid" ]] && after="$(cpu_ticks "$pid")"
  WRK_RPS="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
  WRK_REQUESTS="$(awk '/requests in/ { print $1 }' "$out")"
  WRK_ERRORS="$(awk '/Non-2xx or 3xx responses:/ { n += $5 } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")"
  WRK_P50="$(latency_ms "$out" 50%)"
  WRK_P99="$(latency_ms "$out" 99%)"
  WRK_CPU="$(awk '{ printf "%.1f", $1 + $2 }' "$out.time")"
  SERVER_CPU_MS=""; SERVER_RSS=""
  if [[ -n "$pid" ]]; then
    SERVER_CPU_MS="$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="${WRK_REQUESTS:-0}" 'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "-" }')"
    SERVER_RSS="$(rss_kb "$pid" VmRSS)"
  fi
  [[ -n "$WRK_RPS" ]] || { cat "$out" >&2; die "wrk gave no result for $name"; }
  bench_log "$name c=$connections: $WRK_RPS/s p50 ${WRK_P50} ms p99 ${WRK_P99} ms errors $WRK_ERRORS cpu/req ${SERVER_CPU_MS} ms"
}

# warm_up URL LUA — unrecorded load at 4 connections for BENCH_WARMUP_SECONDS.
warm_up() {
  wrk -t 2 -c 4 -d "${BENCH_WARMUP_SECONDS}s" -s "$2" "$1" >/dev/null 2>&1 || true
}

# warm_up_settled URL LUA PID [BEFORE_ROUND] — unrecorded load at 4 connections in rounds of 2 s, each after the command
# BEFORE_ROUND if given (e.g. fresh refresh tokens), for at least 16 s (and
# BENCH_WARMUP_SECONDS) and until two rounds in a row cost the server within 10 % of each other in CPU per request (at
# most 30 s). The proxy's tiered JIT compiles for longer than a 4-s warm-up: a 1-connection introspection row right
# after it cost 2.14 ms of CPU a call, the same row 4, 8 and 12 s later 1.25, 0.87 and 0.84 ms (with the tiered JIT
# off, a flat 1.1 ms). Sets WARM_SECONDS.
warm_up_settled() {
  local url="$1" lua="$2" pid="$3" before_round="${4:-}" start="$SECONDS" before after n cost previous="" out="$BENCH_TMP/warm-up.txt"
  while :; do
    [[ -z "$before_round" ]] || $before_round
    before="$(cpu_ticks "$pid")"
    wrk -t 2 -c 4 -d 2s -s "$lua" "$url" >"$out" 2>&1 || true
    after="$(cpu_ticks "$pid")"
    n="$(awk '/requests in/ { print $1 }' "$out")"
    cost="$(awk -v t="$((after - before))" -v n="${n:-0}" 'BEGIN { printf "%.4f", (n > 0 ? t / n : 0) }')"
    WARM_SECONDS=$((SECONDS - start))
    ((WARM_SECONDS >= 30)) && return 0
    if [[ -n "$previous" ]] && ((WARM_SECONDS >= 16 && WARM_SECONDS >= BENCH_WARMUP_SECONDS)) \
      && awk -v a="$cost" -v b="$previous" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d / b <= 0.10) }'; then
      return 0
    fi
    previous="$cost"
  done
}

# latency_ms FILE PERCENTILE — wrk --latency's figure in milliseconds.
latency_ms() {
  awk -v p="$2" '$1 == p {
      v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
      f = (unit == "us") ? 0.001 : (unit == "ms") ? 1 : (unit == "s") ? 1000 : (unit == "m") ? 60000 : 1
      printf "%.2f", v * f }' "$1"
}

# ratio A B — A / B to two decimals ("-" when either is missing or B is zero).
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# openssl_sign_rate ALG [MULTI] — signatures per second from `openssl speed` (rsa2048, rsa3072, ecdsap256).
openssl_sign_rate() {
  local alg="$1" multi="${2:-1}" args=(-seconds 1)
  ((multi > 1)) && args+=(-multi "$multi")
  openssl speed "${args[@]}" "$alg" 2>/dev/null | awk -v a="$alg" '
    a ~ /^rsa/ && $1 == "rsa" && "rsa" $2 == a && $3 == "bits" { print int($6); exit }
    a == "ecdsap256" && /256 bits ecdsa \(nistp256\)/ { print int($7); exit }'
}

# machine_load — the 1-minute load average and what else was running, for the results.
machine_load() { awk '{ print $1 }' /proc/loadavg; }
