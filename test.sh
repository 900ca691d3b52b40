#!/usr/bin/env bash
# The one test command (README, .ci/run). Builds the solution, installs the real peers that are
# missing (Debian packages, needs root or sudo; node's oidc-provider from npm), starts throwaway
# instances on 127.0.0.1, runs every test project — the server suite once on SQLite and once on
# PostgreSQL — stops what it started by PID, and prints the counts. With CI=true a missing peer is
# a failure, never a skip.
#
#   ./test.sh              everything
#   ./test.sh --no-interop skip the browser + SimpleSAMLphp suite (refused when CI=true)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
ci="${CI:-false}"

run_interop=true
for arg in "$@"; do
  case "$arg" in
    --no-interop) run_interop=false ;;
    *) echo "test.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
if [[ "$ci" == "true" && "$run_interop" == "false" ]]; then
  echo "test.sh: --no-interop is not allowed when CI=true" >&2; exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/aaiproxy-test.XXXXXX")"
chmod o+x "$work"   # peers run as their own users (postgres) and must reach their directories
results="$work/results"
mkdir -p "$results"
started=()   # "name dir" pairs to stop on exit

cleanup() {
  local entry
  for entry in "${started[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    bash "$root/tests/peers/$1.sh" stop "$2" >/dev/null 2>&1 || echo "test.sh: could not stop $1 in $2" >&2
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_peer() { # name port [args...] -> its output in $work/name/start.log
  local name="$1" port="$2" dir="$work/$1"
  shift 2
  mkdir -p "$dir"
  if bash "$root/tests/peers/$name.sh" start "$dir" "$port" "$@" >"$dir/start.log" 2>&1; then
    started+=("$name $dir")
    return 0
  fi
  echo "test.sh: could not start $name:" >&2
  tail -n 20 "$dir/start.log" >&2 || true
  return 1
}

echo "== build"
dotnet build AaiProxy.sln -c Release -nologo -clp:ErrorsOnly

echo "== packages"
# Everything the suites start or call: xmlsec1 (independent signature checks), the peers, Chromium.
packages=(xmlsec1 redis-server postgresql python3-aiosmtpd)
[[ "$run_interop" == "true" ]] && packages+=(simplesamlphp php-cli php-xml php-curl chromium kubectl apache2 libapache2-mod-auth-openidc nginx oidc-agent-cli)
if ! bash tests/peers/install.sh "${packages[@]}"; then
  [[ "$ci" == "true" ]] && { echo "test.sh: could not install ${packages[*]}" >&2; exit 1; }
  echo "test.sh: some packages are missing; suites needing them report skips" >&2
fi

printed() { # peer key -> the value of key=... in the peer's start output
  sed -n "s/^$2=//p" "$work/$1/start.log"
}

unavailable() { # what-is-skipped: a failure with CI=true, a reported skip otherwise
  [[ "$ci" == "true" ]] && exit 1
  echo "test.sh: $1 SKIPPED" >&2
}

echo "== peers"
pg_port="$(free_port)"
if start_peer postgres "$pg_port"; then
  export AAIPROXY_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=unused;Database=postgres"
  echo "PostgreSQL on 127.0.0.1:$pg_port"
else
  unavailable "PostgreSQL unavailable: the PostgreSQL run is"
fi
redis_port="$(free_port)"
if start_peer redis "$redis_port"; then
  export AAIPROXY_TEST_REDIS="127.0.0.1:$redis_port"
  echo "Redis on 127.0.0.1:$redis_port"
else
  unavailable "Redis unavailable: the shared-state tests are"
fi

smtp_port="$(free_port)"
if start_peer smtp "$smtp_port"; then
  AAIPROXY_TEST_SMTP="$(printed smtp smtp)" AAIPROXY_TEST_SMTP_MAILDIR="$(printed smtp maildir)"
  export AAIPROXY_TEST_SMTP AAIPROXY_TEST_SMTP_MAILDIR
  echo "SMTP sink on $AAIPROXY_TEST_SMTP"
else
  unavailable "SMTP sink unavailable: the mail tests are"
fi

# node's oidc-provider as the upstream OpenID Provider of the server suite; it registers the proxy's
# callbacks for the scheme id the tests use ("peer") at the test server's origin.
oidc_port="$(free_port)"
if start_peer oidc-provider "$oidc_port" http://localhost/upstream/oidc/peer; then
  AAIPROXY_TEST_OIDC_PROVIDER="$(printed oidc-provider issuer)"
  AAIPROXY_TEST_OIDC_PROVIDER_SECRET_FILE="$(printed oidc-provider client_secret_file)"
  export AAIPROXY_TEST_OIDC_PROVIDER AAIPROXY_TEST_OIDC_PROVIDER_SECRET_FILE
  echo "oidc-provider at $AAIPROXY_TEST_OIDC_PROVIDER"
else
  unavailable "oidc-provider unavailable: the upstream OpenID Connect tests are"
fi

failed_runs=()
run_suite() { # label project [env assignments...]
  local label="$1" project="$2"; shift 2
  echo "== tests: $label"
  if ! env "$@" dotnet test "$project" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$label.trx" --results-directory "$results" \
      --logger "console;verbosity=minimal"; then
    failed_runs+=("$label")
  fi
}

run_suite saml tests/AaiProxy.Saml.Tests
run_suite groups tests/AaiProxy.Groups.Tests
run_suite upstream tests/AaiProxy.Upstream.Tests
run_suite federation tests/AaiProxy.Federation.Tests
run_suite server-sqlite tests/AaiProxy.Server.Tests AAIPROXY_TEST_DATABASE=sqlite
if [[ -n "${AAIPROXY_TEST_POSTGRES:-}" ]]; then
  run_suite server-postgres tests/AaiProxy.Server.Tests AAIPROXY_TEST_DATABASE=postgres
fi
if [[ "$run_interop" == "true" ]]; then
  run_suite interop tests/AaiProxy.Interop.Tests
fi

# Sum the counters of every TRX file: one closing line for the whole run.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
total = {"passed": 0, "failed": 0, "skipped": 0}
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns).attrib
    passed, failed = int(c["passed"]), int(c["failed"]) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped = int(c["total"]) - int(c["executed"])  # VSTest counts skipped tests as not executed
    label = path.rsplit("/", 1)[1][:-4]
    print(f"  {label:16} {passed:4} passed, {failed:3} failed, {skipped:3} skipped")
    total["passed"] += passed; total["failed"] += failed; total["skipped"] += skipped
print(f"Total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
PY

if (( ${#failed_runs[@]} > 0 )); then
  echo "test.sh: failing suites: ${failed_runs[*]}" >&2
  exit 1
fi
