#!/usr/bin/env bash
# SAML Response validation per CPU second (one thread = one core): the proxy's library (AaiProxy.Saml's
# public SamlResponseValidator, every rule but replay) against raw .NET SignedXml (the ceiling) and
# Debian's python3-pysaml2 validating the same responses, signed and signed + encrypted.
# Usage: saml.sh OUTPUT.md   (BENCH_SECONDS, BENCH_NO_BUILD=1)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
output="$1"
ensure_packages python3-pysaml2 xmlsec1
project="$BENCH_ROOT/bench/SamlBench"
out="$project/bin/Release/net10.0"
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  bench_log "dotnet build bench/SamlBench -c Release"
  dotnet build "$project" -c Release -nologo -clp:ErrorsOnly >&2
fi
[[ -f "$out/SamlBench.dll" ]] || die "no $out/SamlBench.dll"
load_before="$(machine_load)"
data="$BENCH_TMP/saml"
bench_log "writing responses"
dotnet "$out/SamlBench.dll" write "$data" 200
bench_log "validating with AaiProxy.Saml and raw SignedXml"
dotnet "$out/SamlBench.dll" run "$data" "$BENCH_SECONDS" "$BENCH_WARMUP_SECONDS" >"$BENCH_TMP/dotnet.txt"
bench_log "validating with pysaml2"
/usr/bin/python3 "$BENCH_ROOT/bench/saml_pysaml2.py" "$data" "$BENCH_SECONDS" >"$BENCH_TMP/pysaml2.txt"
load_after="$(machine_load)"
get() { awk -F= -v k="$1" '$1 == k { print $2 }' "$BENCH_TMP/dotnet.txt" "$BENCH_TMP/pysaml2.txt"; }
{
  echo "## SAML Response validation"
  echo
  echo "200 responses per kind written by the library's own writer with fresh RSA-2048 keys (assertion signed"
  echo "RSA-SHA256; encrypted: AES-256-GCM content, RSA-OAEP key transport), validated in one thread for"
  echo "${BENCH_SECONDS} s per row, each .NET row after at least ${BENCH_WARMUP_SECONDS} s of the same work and until the JIT has compiled"
  echo "nothing for a second; figures are validations per CPU second of the validating process (pysaml2:"
  echo "with its xmlsec1 child processes), so they hold per core whatever else runs. The proxy row is"
  echo "\`SamlResponseValidator.ValidateAsync\` with every rule except the replay cache (each response is"
  echo "validated many times). The raw ceiling is SignedXml.CheckSignature on the assertion (parsing included) with"
  echo "the IdP's public key taken out of its certificate once, as the library does;"
  echo "for the encrypted kind combined with one RSA-OAEP decryption (its private-key operation), decryption of"
  echo "the content itself not counted. Load average (1 min) before/after: $load_before / $load_after on $(nproc) cores."
  echo
  echo "| Kind | AaiProxy.Saml /s | raw SignedXml ceiling /s | pysaml2 /s | proxy / ceiling | proxy / pysaml2 |"
  echo "|---|---:|---:|---:|---:|---:|"
  for kind in signed encrypted; do
    p="$(get "proxy_$kind")"; r="$(get "raw_$kind")"; y="$(get "pysaml2_$kind")"
    echo "| $kind | $p | $r | $y | $(ratio "$p" "$r") | $(ratio "$p" "$y") |"
  done
  echo
  echo "RSA-OAEP (SHA-1 MGF) decryptions per CPU second with the SP's 2048-bit key: $(get raw_rsa_oaep_decrypt)."
} >"$output"
