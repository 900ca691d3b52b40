#!/usr/bin/env bash
# The one benchmark command: ./bench/run.sh [part ...]
# Runs every part under bench/parts/ (or the named ones) in order. Each part measures the proxy and a
# peer doing the same work in the same run and writes bench/results/<part>.md with the ratio on every
# row. The command fails only when a part could not run, never because a goal was missed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p bench/results
parts=("$@")
if ((${#parts[@]} == 0)); then
  for f in bench/parts/*.sh; do parts+=("$(basename "$f" .sh)"); done
fi
failed=()
for part in "${parts[@]}"; do
  script="bench/parts/$part.sh"
  [[ -f "$script" ]] || { echo "bench: no part '$part'" >&2; failed+=("$part"); continue; }
  echo "== bench: $part"
  if ! bash "$script" "$root/bench/results/$part.md"; then
    echo "bench: part '$part' could not run" >&2
    failed+=("$part")
  fi
done
# One summary page: every part's table in order.
{
  echo "# Benchmark results"
  echo
  echo "Written by \`./bench/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(uname -m))."
  for part in "${parts[@]}"; do
    [[ -f "bench/results/$part.md" ]] && { echo; cat "bench/results/$part.md"; }
  done
} > bench/results/README.md
if ((${#failed[@]} > 0)); then
  echo "bench: parts that could not run: ${failed[*]}" >&2
  exit 1
fi
