#!/usr/bin/env bash
# bench part "metadata" (issue 16): a 10,500-entity MAPS-signed aggregate, generated in this run, loaded with
# its signature check by the proxy's loader (bench/MetadataBench: FileAggregateSource → FederationMetadataProvider,
# the host's path) and by Debian's pysaml2 (MetaDataFile + xmlsec1); once alone and once with a refresh while the
# first set is held. Writes the Markdown table to $1.
set -euo pipefail
out="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
entities="${METADATA_BENCH_ENTITIES:-10500}"
python=/usr/bin/python3   # Debian's, where python3-pysaml2 lives (not a pyenv python3 on PATH)

if ! "$python" -c 'import saml2' 2>/dev/null || ! command -v xmlsec1 >/dev/null; then
  [[ $(id -u) -eq 0 ]] || { echo "metadata: python3-pysaml2 and xmlsec1 are missing; run as root to install them" >&2; exit 1; }
  apt-get -o DPkg::Lock::Timeout=600 install -y -q python3-pysaml2 xmlsec1 >/dev/null
fi

dotnet build "$root/bench/MetadataBench" -c Release -nologo -clp:ErrorsOnly >/dev/null
bench="$root/bench/MetadataBench/bin/Release/net10.0/MetadataBench.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "metadata: generating and signing $entities entities"
dotnet "$bench" generate "$entities" "$work/aggregate.xml" "$work/signer.pem" > "$work/generate.json"

# One measured run: the program's JSON line, plus the peak RSS of the whole run from /usr/bin/time -v.
measure() {
  local name="$1"; shift
  echo "metadata: $name"
  /usr/bin/time -v "$@" > "$work/$name.json" 2> "$work/$name.time"
  awk -F': ' '/Maximum resident set size/ { print $2 * 1024 }' "$work/$name.time" > "$work/$name.peak"
}
measure proxy-load dotnet "$bench" load "$work/aggregate.xml" "$work/signer.pem"
measure proxy-refresh dotnet "$bench" load "$work/aggregate.xml" "$work/signer.pem" --refresh
measure pysaml2-load "$python" "$root/bench/parts/metadata_pysaml2.py" "$work/aggregate.xml" "$work/signer.pem"
measure pysaml2-refresh "$python" "$root/bench/parts/metadata_pysaml2.py" "$work/aggregate.xml" "$work/signer.pem" --refresh

"$python" - "$work" "$out" "$($python -c 'import saml2; print(saml2.__version__)' 2>/dev/null || dpkg-query -W -f='${Version}' python3-pysaml2)" <<'PY'
import json, sys
work, out, pysaml2_version = sys.argv[1:4]
def run(name):
    data = json.load(open(f"{work}/{name}.json"))
    data["peak"] = int(open(f"{work}/{name}.peak").read())
    return data
generated = json.load(open(f"{work}/generate.json"))
p, q = run("proxy-load"), run("pysaml2-load")
pr, qr = run("proxy-refresh"), run("pysaml2-refresh")
mb = lambda b: f"{b / 1e6:,.0f} MB"
s = lambda x: f"{x:,.2f} s"
ratio = lambda a, b: f"{b / a:,.1f}×"
rows = [
    ("Load + signature check (time)", s(p["loadSeconds"]), s(q["loadSeconds"]), ratio(p["loadSeconds"], q["loadSeconds"])),
    ("Load + signature check (CPU time, user + sys)", s(p["loadCpuSeconds"]), s(q["loadCpuSeconds"]), ratio(p["loadCpuSeconds"], q["loadCpuSeconds"])),
    ("Peak RSS of the load (whole process)", mb(p["peak"]), mb(q["peak"]), ratio(p["peak"], q["peak"])),
    ("Steady-state RSS with the set loaded", mb(p["steadyStateRssBytes"]), mb(q["steadyStateRssBytes"]), ratio(p["steadyStateRssBytes"], q["steadyStateRssBytes"])),
    ("Refresh while the first set is held (time)", s(pr["refreshSeconds"]), s(qr["refreshSeconds"]), ratio(pr["refreshSeconds"], qr["refreshSeconds"])),
    ("Peak RSS of load + refresh", mb(pr["peak"]), mb(qr["peak"]), ratio(pr["peak"], qr["peak"])),
    ("Steady-state RSS after the refresh", mb(pr["steadyStateRssAfterRefreshBytes"]), mb(qr["steadyStateRssAfterRefreshBytes"]), ratio(pr["steadyStateRssAfterRefreshBytes"], qr["steadyStateRssAfterRefreshBytes"])),
]
goal_time = "met" if p["loadSeconds"] <= 3 else "missed"
load_average = open("/proc/loadavg").read().split()[0]
goal_rss = "met" if p["peak"] <= 300e6 else "missed"
refresh_factor = pr["peak"] / p["steadyStateRssBytes"]
with open(out, "w") as f:
    f.write("## metadata — a 10,500-entity signed aggregate (issue 16)\n\n")
    f.write(f"{generated['entities']:,} entities ({p['identityProviders']:,} IdPs), {generated['bytes'] / 1e6:,.1f} MB, "
            f"RSA-SHA256 + exclusive c14n (MAPS), generated in {generated['generateSeconds']:.1f} s and signed in "
            f"{generated['signSeconds']:.1f} s in this run. Proxy: `bench/MetadataBench` (Release), the host's file source "
            f"with a pinned certificate. Peer: Debian python3-pysaml2 {pysaml2_version} (`MetaDataFile` with the certificate, "
            f"signature checked by xmlsec1). Ratio = pysaml2 / proxy.\n\n")
    f.write("| | proxy | pysaml2 | ratio |\n|---|---:|---:|---:|\n")
    for row in rows:
        f.write("| " + " | ".join(row) + " |\n")
    f.write(f"\nGoal (proxy): ≤ 3 s wall — {goal_time} (load average {load_average} at the end of the run; "
            f"the CPU time row is what the machine's neighbours do not change); ≤ 300 MB peak RSS — {goal_rss}; a refresh peaks at "
            f"{refresh_factor:.2f}× the steady state (goal: below 2×). Search over the loaded set "
            f"(the library's `FederationIndex.Search`): {p['searchMilliseconds']:.1f} ms a query "
            f"(mean of 5 queries × 20).\n")
print(open(out).read())
PY
