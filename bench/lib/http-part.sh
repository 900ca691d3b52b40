#!/usr/bin/env bash
# What every HTTP part (proxy against node oidc-provider under wrk) starts with. Source after common.sh;
# sets `lua` (wrk's POST script), `server_out` (the proxy's Release build) and `load_before`.
source "$BENCH_ROOT/bench/lib/proxy.sh"
source "$BENCH_ROOT/bench/lib/oidc-provider.sh"
lua="$BENCH_ROOT/bench/wrk-post.lua"
ensure_wrk
server_out="$(build_server)"
load_before="$(machine_load)"
