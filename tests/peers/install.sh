#!/usr/bin/env bash
# install.sh PKG... — install the Debian packages the test run needs, up front and once, so that
# test suites running in parallel never race for dpkg. Exit codes as in lib.sh (77: unavailable).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
(($# > 0)) || die "usage: install.sh PKG..."
ensure_packages "$@"
