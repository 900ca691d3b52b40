#!/usr/bin/env bash
# SimpleSAMLphp 1.19 (Debian) as a throwaway SAML IdP, served by PHP's built-in server on
# 127.0.0.1 with all configuration and state under DIR (nothing read from /etc/simplesamlphp).
#
# Usage: simplesamlphp.sh start DIR PORT SP_METADATA_FILE [signed|encrypted]
#          SP_METADATA_FILE is re-read on every request; when it does not exist yet an empty
#          aggregate is written there, so the IdP can start first and the SP's metadata be
#          written (over it) later.
#          signed (default): SPs come from SP_METADATA_FILE as SAML metadata.
#          encrypted: the same SPs, declared through DIR/config/metadata/saml20-sp-remote.php with
#            assertion.encryption on (SimpleSAMLphp cannot read that option from SAML metadata).
#          Prints key=value lines: entity_id, metadata_url, metadata_file, sso_url, slo_url, pid.
#          DIR/idp-metadata.xml receives the IdP's (signed) metadata.
#        simplesamlphp.sh stop DIR
#
# Single Logout: the IdP signs its logout messages and verifies the SP's (validate.logout).
#
# Users (exampleauth:UserPass): alice/alicepass, bob/bobpass; scope idp.example.org.
# Attributes go out with NameFormat uri under urn:oid names (core:AttributeMap name2oid), and
# subject-id as urn:oasis:names:tc:SAML:attribute:subject-id.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly SSP_HOME=/usr/share/simplesamlphp
readonly SCOPE=idp.example.org
readonly START_TIMEOUT_SECONDS=20

write_config() {
  local dir="$1" base_url="$2" sp_metadata="$3" mode="$4"
  local config="$dir/config" sp_source
  mkdir -p "$config/metadata" "$dir/sessions" "$dir/tmp" "$dir/data" "$dir/log"

  if [[ ! -s "$dir/idp.key" ]]; then
    openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 30 -subj "/CN=127.0.0.1 test IdP" \
      -keyout "$dir/idp.key" -out "$dir/idp.crt" 2>/dev/null || die "openssl failed"
  fi

  # Both modes re-read SP_METADATA_FILE on every request. signed: SimpleSAMLphp's XML source.
  # encrypted: a PHP declaration (flatfile source) derived from it, adding assertion.encryption.
  if [[ "$mode" == encrypted ]]; then
    cat >"$config/metadata/saml20-sp-remote.php" <<PHP
<?php
\$spMetadataFile = '$sp_metadata';
require '$PEERS_DIR/simplesamlphp/encrypted-sps.php';
PHP
    sp_source="['type' => 'flatfile', 'directory' => '$config/metadata/']"
  else
    rm -f "$config/metadata/saml20-sp-remote.php"
    sp_source="['type' => 'flatfile', 'directory' => '$config/metadata/'], ['type' => 'xml', 'file' => '$sp_metadata']"
  fi

  cat >"$config/config.php" <<PHP
<?php
// Written by tests/peers/simplesamlphp.sh: a throwaway test IdP. Not Debian's config.php.
\$config = [
    'baseurlpath' => '$base_url/simplesaml/',
    'certdir' => '$dir/',
    'metadatadir' => '$config/metadata/',
    'attributenamemapdir' => '$SSP_HOME/config/attributemap/',
    'tempdir' => '$dir/tmp',
    'datadir' => '$dir/data/',
    'loggingdir' => '$dir/log/',
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'logging.level' => SimpleSAML\Logger::INFO,
    'debug' => ['saml' => true, 'backtraces' => true, 'validatexml' => false],
    'showerrors' => true,
    'errorreporting' => false,
    'secretsalt' => '$(openssl rand -hex 16)',
    'auth.adminpassword' => '$(openssl rand -hex 16)',
    'admin.protectmetadata' => false,
    'technicalcontact_name' => 'AaiProxy tests',
    'technicalcontact_email' => 'tests@idp.example.org',
    'timezone' => 'UTC',
    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true, 'admin' => true],
    'store.type' => 'phpsession',
    'session.phpsession.cookiename' => 'SimpleSAMLTestIdP',
    'session.phpsession.savepath' => '$dir/sessions',
    'session.cookie.secure' => false,
    // Chromium drops SameSite=None cookies that are not Secure, and this server is plain http.
    'session.cookie.samesite' => 'Lax',
    'metadata.sign.enable' => true,
    'metadata.sign.privatekey' => '$dir/idp.key',
    'metadata.sign.certificate' => '$dir/idp.crt',
    'metadata.sign.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'metadata.sources' => [$sp_source],
];
PHP

  cat >"$config/authsources.php" <<PHP
<?php
\$config = [
    'admin' => ['core:AdminPassword'],
    'example-userpass' => [
        'exampleauth:UserPass',
        'alice:alicepass' => [
            'subject-id' => ['alice@$SCOPE'],
            'eduPersonPrincipalName' => ['alice@$SCOPE'],
            'mail' => ['alice.liddell@$SCOPE'],
            'displayName' => ['Alice Liddell'],
            'givenName' => ['Alice'],
            'sn' => ['Liddell'],
            'eduPersonScopedAffiliation' => ['member@$SCOPE'],
            'eduPersonEntitlement' => ['urn:mace:example.org:group:demo'],
            'schacHomeOrganization' => ['$SCOPE'],
        ],
        'bob:bobpass' => [
            'subject-id' => ['bob@$SCOPE'],
            'eduPersonPrincipalName' => ['bob@$SCOPE'],
            'mail' => ['bob.builder@$SCOPE'],
            'displayName' => ['Bob Builder'],
            'givenName' => ['Bob'],
            'sn' => ['Builder'],
            'eduPersonScopedAffiliation' => ['staff@$SCOPE', 'member@$SCOPE'],
            'schacHomeOrganization' => ['$SCOPE'],
        ],
    ],
];
PHP

  cat >"$config/metadata/saml20-idp-hosted.php" <<PHP
<?php
\$metadata['$base_url/simplesaml/saml2/idp/metadata.php'] = [
    'host' => '__DEFAULT__',
    'privatekey' => '$dir/idp.key',
    'certificate' => '$dir/idp.crt',
    'auth' => 'example-userpass',
    'scope' => ['$SCOPE'],
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    // Single Logout (SingleLogoutService.php, HTTP-Redirect, published by default). SimpleSAMLphp
    // signs logout messages and checks their signatures only when told to; SP metadata read from
    // XML cannot say so (only AuthnRequestsSigned maps to an option), so the IdP says it for every
    // SP: sign our LogoutRequests/Responses, and refuse an SP's that are unsigned or badly signed.
    'sign.logout' => true,
    'validate.logout' => true,
    'authproc' => [
        // name2oid has no subject-id entry: map it inline to its SAML name.
        100 => ['class' => 'core:AttributeMap', 'name2oid',
                'subject-id' => 'urn:oasis:names:tc:SAML:attribute:subject-id'],
    ],
];
PHP
}

start() {
  local dir port sp_metadata mode base_url entity_id metadata_url started
  dir="$(absolute_dir "$1")"; port="$2"; sp_metadata="$3"; mode="${4:-signed}"
  require_port "$port"
  [[ "$mode" == signed || "$mode" == encrypted ]] || die "mode must be signed or encrypted, not $mode"
  # The IdP may start before the SP publishes its metadata: begin with an empty aggregate.
  [[ -s "$sp_metadata" ]] || echo '<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>' >"$sp_metadata"
  sp_metadata="$(cd "$(dirname "$sp_metadata")" && pwd)/$(basename "$sp_metadata")"
  [[ "$dir$sp_metadata" != *"'"* ]] || die "paths must not contain single quotes"
  ensure_packages simplesamlphp php-cli php-xml php-curl
  [[ -d "$SSP_HOME/www" ]] || unavailable "$SSP_HOME/www missing after install"
  pid_alive "$dir/simplesamlphp.pid" && die "already running in $dir (pid $(<"$dir/simplesamlphp.pid"))"

  base_url="http://127.0.0.1:$port"
  entity_id="$base_url/simplesaml/saml2/idp/metadata.php"
  metadata_url="$entity_id"
  write_config "$dir" "$base_url" "$sp_metadata" "$mode"

  started=$(date +%s%N)
  # setsid: the built-in server's workers (PHP_CLI_SERVER_WORKERS) outlive a plain `kill PID`,
  # so the server leads its own process group and `stop` ends the group.
  SIMPLESAMLPHP_CONFIG_DIR="$dir/config" PHP_CLI_SERVER_WORKERS=4 \
    setsid php -d display_errors=stderr -d session.save_path="$dir/sessions" \
    -S "127.0.0.1:$port" "$PEERS_DIR/simplesamlphp/router.php" \
    </dev/null >>"$dir/log/php-server.log" 2>&1 &
  echo $! >"$dir/simplesamlphp.pid"

  if ! wait_for_http "$metadata_url" "$START_TIMEOUT_SECONDS"; then
    tail -n 20 "$dir/log/php-server.log" >&2 || true
    stop "$dir"
    unavailable "SimpleSAMLphp did not answer on $metadata_url"
  fi
  if ! curl -sf -o "$dir/idp-metadata.xml" "$metadata_url" || ! grep -q IDPSSODescriptor "$dir/idp-metadata.xml"; then
    tail -n 20 "$dir/log/simplesamlphp.log" "$dir/log/php-server.log" >&2 || true
    stop "$dir"
    unavailable "SimpleSAMLphp served no IdP metadata at $metadata_url"
  fi
  log "up in $(( ($(date +%s%N) - started) / 1000000 )) ms ($mode)"
  echo "entity_id=$entity_id"
  echo "metadata_url=$metadata_url"
  echo "metadata_file=$dir/idp-metadata.xml"
  echo "sso_url=$base_url/simplesaml/saml2/idp/SSOService.php"
  echo "slo_url=$base_url/simplesaml/saml2/idp/SingleLogoutService.php"
  echo "pid=$(<"$dir/simplesamlphp.pid")"
}

stop() {
  stop_pidfile "$(absolute_dir "$1")/simplesamlphp.pid" group
}

case "${1:-}" in
  start)
    (($# == 4 || $# == 5)) || { echo "usage: $0 start DIR PORT SP_METADATA_FILE [signed|encrypted]" >&2; exit 2; }
    start "$2" "$3" "$4" "${5:-signed}" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT SP_METADATA_FILE [signed|encrypted] | stop DIR" >&2; exit 2 ;;
esac
