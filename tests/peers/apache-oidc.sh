#!/usr/bin/env bash
# A throwaway Apache httpd with mod_auth_openidc as a relying party of the proxy, on 127.0.0.1, with all its
# state (config, pid, logs, pages, lock files) under DIR.
# Usage: apache-oidc.sh start DIR PORT ISSUER CLIENT_ID CLIENT_SECRET_FILE REQUIRED_ENTITLEMENT
#          ISSUER: the proxy's issuer URL (its discovery document is ISSUER/.well-known/openid-configuration).
#          Runs deploy/examples/apache/proposal-data-oidc.conf: /protected/ with
#          `Require claim eduperson_entitlement:REQUIRED_ENTITLEMENT`; a person without it gets 403.
#          Prints url=, protected_url=, redirect_uri=, backchannel_logout_uri=, logout_url=, logged_out_url=
#          (what to register for CLIENT_ID at the proxy).
#        apache-oidc.sh stop DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly MODULES=/usr/lib/apache2/modules
# The deployment example this peer runs (its Location blocks and mod_auth_openidc settings).
EXAMPLE="$(cd "$PEERS_DIR/../.." && pwd)/deploy/examples/apache/proposal-data-oidc.conf"
readonly EXAMPLE

start() {
  local dir port issuer client_id secret_file entitlement url
  dir="$(absolute_dir "$1")"; port="$2"; issuer="${3%/}"; client_id="$4"; secret_file="$5"; entitlement="$6"
  require_port "$port"
  [[ -r "$secret_file" ]] || die "no client secret file: $secret_file"
  ensure_packages apache2 libapache2-mod-auth-openidc
  [[ -e "$MODULES/mod_auth_openidc.so" ]] || unavailable "mod_auth_openidc is not installed"
  pid_alive "$dir/httpd.pid" && die "already running in $dir (pid $(<"$dir/httpd.pid"))"
  url="http://127.0.0.1:$port"
  mkdir -p "$dir/htdocs/protected" "$dir/run"
  cat >"$dir/htdocs/index.html" <<HTML
<!doctype html><html lang="en"><head><title>Apache relying party</title></head><body><p>Public page.</p></body></html>
HTML
  cat >"$dir/htdocs/protected/index.html" <<HTML
<!doctype html><html lang="en"><head><title>Proposal data</title></head><body><p data-testid="protected">Proposal data for members of the proposal.</p></body></html>
HTML
  cat >"$dir/htdocs/loggedout.html" <<HTML
<!doctype html><html lang="en"><head><title>Signed out</title></head><body><p data-testid="signed-out">Signed out of the Apache relying party.</p></body></html>
HTML
  # Worker processes run as www-data (Apache refuses to serve as root); they read the pages and nothing else here.
  chmod -R a+rX "$dir/htdocs"
  cat >"$dir/httpd.conf" <<CONF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir/run"
Mutex file:$dir/run default
ErrorLog "$dir/error.log"
LogLevel warn auth_openidc:info
User www-data
Group www-data
LoadModule mpm_event_module $MODULES/mod_mpm_event.so
LoadModule authn_core_module $MODULES/mod_authn_core.so
LoadModule authz_core_module $MODULES/mod_authz_core.so
LoadModule authz_user_module $MODULES/mod_authz_user.so
LoadModule mime_module $MODULES/mod_mime.so
LoadModule dir_module $MODULES/mod_dir.so
LoadModule headers_module $MODULES/mod_headers.so
LoadModule auth_openidc_module $MODULES/mod_auth_openidc.so
TypesConfig /etc/mime.types
DocumentRoot "$dir/htdocs"
DirectoryIndex index.html
LogFormat "%h %u \"%r\" %>s" short
CustomLog "$dir/access.log" short
<Directory "$dir/htdocs">
  Require all granted
</Directory>

# The repository's example, expanded by Apache from these Defines and (the secrets) the environment.
Define AAIPROXY_ORIGIN $issuer
Define AAIPROXY_CLIENT_ID $client_id
Define SITE_URL $url
Define PROPOSAL_ENTITLEMENT $entitlement
Include "$EXAMPLE"
CONF
  # The example's two secrets come from the environment, as the example says (never written to DIR's config).
  AAIPROXY_CLIENT_SECRET="$(tr -d '\n' <"$secret_file")"
  OIDC_CRYPTO_PASSPHRASE="$(head -c 24 /dev/urandom | base64)"
  export AAIPROXY_CLIENT_SECRET OIDC_CRYPTO_PASSPHRASE
  apache2 -f "$dir/httpd.conf" -t >"$dir/check.log" 2>&1 \
    || { cat "$dir/check.log" >&2; die "apache2 rejected the configuration (see $dir/check.log)"; }
  apache2 -f "$dir/httpd.conf" -k start >>"$dir/check.log" 2>&1 \
    || { cat "$dir/check.log" >&2; unavailable "apache2 did not start (see $dir/error.log)"; }
  wait_for_tcp "$port" 10 || { stop "$dir"; unavailable "apache2 not listening on $port (see $dir/error.log)"; }
  for _ in $(seq 1 50); do [[ -s "$dir/httpd.pid" ]] && break; sleep 0.1; done
  echo "url=$url"
  echo "protected_url=$url/protected/"
  echo "redirect_uri=$url/protected/redirect_uri"
  echo "backchannel_logout_uri=$url/protected/redirect_uri?logout=backchannel"
  echo "logged_out_url=$url/loggedout.html"
  echo "logout_url=$url/protected/redirect_uri?logout=$(printf '%s' "$url/loggedout.html" | sed -e 's|:|%3A|g' -e 's|/|%2F|g')"
  echo "error_log=$dir/error.log"
}

stop() {
  stop_pidfile "$(absolute_dir "$1")/httpd.pid"
}

case "${1:-}" in
  start) (($# == 7)) || { echo "usage: $0 start DIR PORT ISSUER CLIENT_ID CLIENT_SECRET_FILE REQUIRED_ENTITLEMENT" >&2; exit 2; }
         start "$2" "$3" "$4" "$5" "$6" "$7" ;;
  stop) (($# == 2)) || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR PORT ISSUER CLIENT_ID CLIENT_SECRET_FILE REQUIRED_ENTITLEMENT | stop DIR" >&2; exit 2 ;;
esac
