#!/usr/bin/env bash
# Debian's kubectl, for rendering deploy/kubernetes with `kubectl kustomize` (no cluster is contacted).
# Usage: kubectl.sh install    — install if missing; prints executable=PATH.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  install)
    command -v kubectl >/dev/null || ensure_packages kubectl
    command -v kubectl >/dev/null || unavailable "kubectl missing after install"
    echo "executable=$(command -v kubectl)"
    ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
