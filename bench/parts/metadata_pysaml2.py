"""The peer of bench/parts/metadata.sh: Debian's pysaml2 loading the same signed aggregate.

usage: /usr/bin/python3 metadata_pysaml2.py <aggregate.xml> <signer.pem> [--refresh]

pysaml2's MetaDataFile (what MetadataStore.load("local", ...) builds) with the signing certificate and the
MetadataStore's security context, so that its parse_and_check_signature verifies the aggregate with xmlsec1
before the entities are used. Prints one JSON line: times, steady-state and peak resident memory.
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
    load_seconds = load(store, path, cert)
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
        "refreshSeconds": refresh_seconds,
        "steadyStateRssBytes": steady,
        "steadyStateRssAfterRefreshBytes": steady_after_refresh,
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "xmlsec1PeakRssBytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] == ["--refresh"])
