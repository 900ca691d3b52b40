"""pysaml2 (Debian python3-pysaml2, run with /usr/bin/python3) validating the responses bench/SamlBench wrote.

Usage: /usr/bin/python3 bench/saml_pysaml2.py DIR SECONDS
Prints `pysaml2_<kind>=validations per CPU second`, counting the CPU of the xmlsec1 processes pysaml2
starts for every signature check and decryption (its default crypto backend) with its own.
"""
import base64
import glob
import logging
import os
import resource
import sys
import time

from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig

SP_ENTITY_ID = "https://proxy.bench.example.eu/saml/metadata"
ACS = "https://proxy.bench.example.eu/saml/acs"
REQUEST_ID = "_bench0123456789abcdef0123456789ab"


def client(directory):
    key, cert = os.path.join(directory, "sp-key.pem"), os.path.join(directory, "sp-cert.pem")
    config = SPConfig().load({
        "entityid": SP_ENTITY_ID,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(ACS, BINDING_HTTP_POST)]},
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
        }},
        "metadata": {"local": [os.path.join(directory, "idp-metadata.xml")]},
        "key_file": key,
        "cert_file": cert,
        "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "accepted_time_diff": 180,
    })
    return Saml2Client(config=config)


def cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rate(sp, responses, seconds):
    def validate(i):
        result = sp.parse_authn_request_response(responses[i % len(responses)], BINDING_HTTP_POST,
                                                 outstanding={REQUEST_ID: "/"})
        if result is None or result.assertion is None:
            raise RuntimeError("pysaml2 returned no assertion")

    for i in range(3):
        validate(i)
    before, start, count = cpu_seconds(), time.monotonic(), 0
    while time.monotonic() - start < seconds:
        validate(count)
        count += 1
    return count / (cpu_seconds() - before)


def main():
    logging.disable(logging.CRITICAL)
    directory, seconds = sys.argv[1], float(sys.argv[2])
    sp = client(directory)
    for kind in ("signed", "encrypted"):
        files = sorted(glob.glob(os.path.join(directory, kind, "*.xml")))
        responses = [base64.b64encode(open(f, "rb").read()).decode() for f in files]
        print(f"pysaml2_{kind}={rate(sp, responses, seconds):.1f}", flush=True)


if __name__ == "__main__":
    main()
