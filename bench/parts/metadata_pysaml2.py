"""The peer of bench/parts/metadata.sh: Debian's pysaml2 loading the same signed aggregate.

usage: /usr/bin/python3 metadata_pysaml2.py <aggregate.xml> <signer.pem> [--refresh]

pysaml2's MetaDataFile (what MetadataStore.load("local", ...) builds) with the signing certificate and the
MetadataStore's security context, so that its parse_and_check_signature verifies the aggregate with xmlsec1
before the entities are used. Prints one JSON line: wall and CPU times, steady-state and peak resident memory (of Python; xmlsec1 runs
as a child process beside it).
"""
import gc
import json
import resource
import sys
import time

from saml2.attribute_converter import ac_factory
from saml2.config import SPConfig
from saml2.mdstore import MetaDataFile, MetadataStore


def rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds():
    """CPU time of this process and of the xmlsec1 runs it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load(store, path, cert):
    started = time.perf_counter()
    metadata = MetaDataFile(store.attrc, path, cert=cert, security=store.security)
    if metadata.load() is not True:
        sys.exit(f"pysaml2 refused the signature of {path}")
    store.metadata[path] = metadata
    return time.perf_counter() - started


def main(path, cert, refresh):
    config = SPConfig().load({"entityid": "https://bench.example.org/sp", "xmlsec_binary": "/usr/bin/xmlsec1"})
    store = MetadataStore(ac_factory(), config, check_validity=True)
    cpu = cpu_seconds()
    load_seconds = load(store, path, cert)
    load_cpu_seconds = cpu_seconds() - cpu
    identity_providers = len(store.identity_providers())
    gc.collect()
    steady = rss_bytes()
    refresh_seconds = steady_after_refresh = None
    if refresh:
        held = store.metadata[path]
        refresh_seconds = load(store, path, cert)
        del held
        gc.collect()
        steady_after_refresh = rss_bytes()
    print(json.dumps({
        "identityProviders": identity_providers,
        "loadSeconds": load_seconds,
        "loadCpuSeconds": load_cpu_seconds,
        "refreshSeconds": refresh_seconds,
        "steadyStateRssBytes": steady,
        "steadyStateRssAfterRefreshBytes": steady_after_refresh,
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] == ["--refresh"])
