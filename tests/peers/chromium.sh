#!/usr/bin/env bash
# Debian's Chromium for Playwright for .NET (never `playwright install`: it downloads a browser).
# Usage: chromium.sh install    — install if missing; prints executable=PATH.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly CHROMIUM=/usr/bin/chromium

case "${1:-}" in
  install)
    ensure_packages chromium
    [[ -x "$CHROMIUM" ]] || unavailable "$CHROMIUM missing after install"
    echo "executable=$CHROMIUM"
    ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
