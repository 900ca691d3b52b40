#!/usr/bin/env bash
# Part "import": the idempotent bulk import of 1,000 proposals with 5,000 people, run twice through
# POST /api/v1/facilities/demo/proposals:import, on SQLite and (when a PostgreSQL server can be
# started, as test.sh does) on PostgreSQL. Peer: the rows the first run stores, loaded raw by the
# database's own bulk loader (sqlite3 .import / psql \copy) into equivalent tables: the ceiling of
# what any import can cost. Usage: bench/parts/import.sh OUTPUT.md
set -euo pipefail
out="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work="$(mktemp -d /tmp/aaiproxy-bench-import.XXXXXX)"
chmod o+x "$work"
proxy_pid=""
pg_started=""
cleanup() {
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null || true
  [[ -n "$pg_started" ]] && bash tests/peers/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/AaiProxy.Server -c Release -nologo -clp:ErrorsOnly >&2
server=src/AaiProxy.Server/bin/Release/net10.0/AaiProxy.Server.dll

# The data: 1,000 proposals x 5 people; 4,000 people have accounts (named by community id), 1,000
# are named by an address nobody has (invitation requests). Also the peer's CSV files of the same rows.
python3 - "$work" <<'PY'
import csv, json, sys, uuid
work = sys.argv[1]
accounts = [f"bench-{i:05d}-{uuid.uuid4().hex[:16]}" for i in range(4000)]
proposals, members, invitations = [], [], []
for p in range(1000):
    team = []
    for i in range(p * 5, p * 5 + 5):
        if i % 5 == 4:
            team.append({"email": f"invitee{i}@bench.example.org", "roles": ["data-access"]})
            invitations.append((f"DEMO-2040-{p:03d}", f"invitee{i}@bench.example.org", "data-access"))
        else:
            role = "pi" if i % 5 == 0 else "co-proposer"
            team.append({"community_id": accounts[i - i // 5], "roles": [role]})
            members.append((f"DEMO-2040-{p:03d}", accounts[i - i // 5], role))
    day = 1 + p % 28
    proposals.append({"facility": "demo", "id": f"DEMO-2040-{p:03d}", "title": f"Bulk {p}",
                      "sessions": [{"instrument": f"BL{p % 7:02d}", "start": f"2040-03-{day:02d}T08:00:00Z", "end": f"2040-03-{day:02d}T20:00:00Z"}],
                      "team": team})
json.dump({"proposals": proposals}, open(f"{work}/import.json", "w"))
open(f"{work}/accounts.txt", "w").write("\n".join(accounts) + "\n")
with open(f"{work}/proposals.csv", "w", newline="") as f:
    w = csv.writer(f)
    for p in proposals:
        w.writerow(["demo", p["id"], p["title"], json.dumps(p["sessions"]), json.dumps(p["team"])])
with open(f"{work}/memberships.csv", "w", newline="") as f:
    csv.writer(f).writerows((f"/pan/demo/{pid}", acc, role, "2040-01-31T08:00:00Z", "Active") for pid, acc, role in members)
with open(f"{work}/invitations.csv", "w", newline="") as f:
    csv.writer(f).writerows((uuid.uuid4().hex, pid, email, roles, "Pending") for pid, email, roles in invitations)
with open(f"{work}/audit.csv", "w", newline="") as f:
    csv.writer(f).writerows(("client:demo-service", "membership.added", f"membership:{pid}/{acc}", json.dumps({"roles": role})) for pid, acc, role in members)
PY

now_ms() { date +%s%3N; }

# Runs the proxy on a database, imports twice; prints "first_ms second_ms second_body".
proxy_runs() {
  local provider="$1" connection="$2" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$work/data"; mkdir -p "$work/data"
  ASPNETCORE_ENVIRONMENT=Development AaiProxy__Demo__Enabled=true AaiProxy__AllowInsecureHttp=true AaiProxy__DataDirectory="$work/data" AaiProxy__Database__Provider="$provider" AaiProxy__SingleNode=true \
    ConnectionStrings__AaiProxy="$connection" AaiProxy__RateLimiting__PermitLimit=100000 \
    dotnet "$server" --urls "http://127.0.0.1:$port" >"$work/proxy-$provider.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  if [[ "$provider" == Sqlite ]]; then
    awk '{printf "INSERT INTO CommunityAccounts (Id, CreatedAt, Status, PreferredUsername) VALUES (\x27%s\x27, 0, \x27Active\x27, \x27%s\x27);\n", $1, substr($1,1,32)}' "$work/accounts.txt" \
      | { echo "BEGIN;"; cat; echo "COMMIT;"; } | sqlite3 "$work/data/aaiproxy.db"
  else
    awk '{printf "%s,2026-01-01T00:00:00Z,Active,%s\n", $1, substr($1,1,32)}' "$work/accounts.txt" > "$work/accounts.csv"
    psql "$pg_url" -q -c "\\copy \"CommunityAccounts\" (\"Id\", \"CreatedAt\", \"Status\", \"PreferredUsername\") FROM '$work/accounts.csv' CSV" >/dev/null
  fi
  local token
  token=$(curl -fs -u demo-service:demo-service-secret -d grant_type=client_credentials \
    -d "scope=proposals:write" -d resource=urn:aaiproxy:api "http://127.0.0.1:$port/connect/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  local t0 t1 t2 body
  t0=$(now_ms)
  curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary "@$work/import.json" \
    "http://127.0.0.1:$port/api/v1/facilities/demo/proposals:import" >"$work/first-$provider.json"
  t1=$(now_ms)
  body=$(curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary "@$work/import.json" \
    "http://127.0.0.1:$port/api/v1/facilities/demo/proposals:import")
  t2=$(now_ms)
  kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""
  echo "$((t1 - t0)) $((t2 - t1)) $body"
}

peer_sqlite() {
  local db="$work/peer.db" t0 t1 t2
  rm -f "$db"
  sqlite3 "$db" "CREATE TABLE proposals(facility TEXT, id TEXT, title TEXT, sessions TEXT, team TEXT, PRIMARY KEY(facility, id));
    CREATE TABLE memberships(grp TEXT, account TEXT, roles TEXT, start TEXT, status TEXT, PRIMARY KEY(grp, account));
    CREATE TABLE invitations(id TEXT PRIMARY KEY, proposal TEXT, email TEXT, roles TEXT, state TEXT, UNIQUE(proposal, email));
    CREATE TABLE audit(actor TEXT, action TEXT, target TEXT, details TEXT);"
  t0=$(now_ms)
  sqlite3 "$db" -cmd ".mode csv" "BEGIN;" ".import $work/proposals.csv proposals" ".import $work/memberships.csv memberships" \
    ".import $work/invitations.csv invitations" ".import $work/audit.csv audit" "COMMIT;"
  t1=$(now_ms)
  # The second run: the same rows offered again, none stored (INSERT OR IGNORE on the keys).
  sqlite3 "$db" -cmd ".mode csv" "BEGIN;" "CREATE TEMP TABLE p AS SELECT * FROM proposals WHERE 0;" ".import $work/proposals.csv p" \
    "INSERT OR IGNORE INTO proposals SELECT * FROM p;" "CREATE TEMP TABLE m AS SELECT * FROM memberships WHERE 0;" ".import $work/memberships.csv m" \
    "INSERT OR IGNORE INTO memberships SELECT * FROM m;" "COMMIT;"
  t2=$(now_ms)
  echo "$((t1 - t0)) $((t2 - t1))"
}

peer_postgres() {
  local t0 t1 t2
  psql "$pg_url" -q -c "DROP DATABASE IF EXISTS peer" -c "CREATE DATABASE peer" >/dev/null
  local peer="${pg_url%/*}/peer"
  psql "$peer" -q -c "CREATE TABLE proposals(facility text, id text, title text, sessions text, team text, PRIMARY KEY(facility, id));
    CREATE TABLE memberships(grp text, account text, roles text, start text, status text, PRIMARY KEY(grp, account));
    CREATE TABLE invitations(id text PRIMARY KEY, proposal text, email text, roles text, state text, UNIQUE(proposal, email));
    CREATE TABLE audit(actor text, action text, target text, details text);" >/dev/null
  t0=$(now_ms)
  psql "$peer" -q -1 -c "\\copy proposals FROM '$work/proposals.csv' CSV" -c "\\copy memberships FROM '$work/memberships.csv' CSV" \
    -c "\\copy invitations FROM '$work/invitations.csv' CSV" -c "\\copy audit FROM '$work/audit.csv' CSV" >/dev/null
  t1=$(now_ms)
  psql "$peer" -q -1 -c "CREATE TEMP TABLE p (LIKE proposals)" -c "\\copy p FROM '$work/proposals.csv' CSV" \
    -c "INSERT INTO proposals SELECT * FROM p ON CONFLICT DO NOTHING" -c "CREATE TEMP TABLE m (LIKE memberships)" \
    -c "\\copy m FROM '$work/memberships.csv' CSV" -c "INSERT INTO memberships SELECT * FROM m ON CONFLICT DO NOTHING" >/dev/null
  t2=$(now_ms)
  echo "$((t1 - t0)) $((t2 - t1))"
}

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/max(b,1):.1f}x')" "$1" "$2"; }

rows=()
read -r s_first s_second s_body <<<"$(proxy_runs Sqlite "")"
read -r p_first p_second <<<"$(peer_sqlite)"
rows+=("| SQLite | first run (creates 1,000 proposals, 4,000 memberships, 1,000 invitation requests) | $s_first ms | $p_first ms | $(ratio "$s_first" "$p_first") |")
rows+=("| SQLite | second run (changes nothing; answers \`$s_body\`) | $s_second ms | $p_second ms | $(ratio "$s_second" "$p_second") |")

pg_note="PostgreSQL: not measured (no server could be started)."
if pg_url_npgsql=$(bash tests/peers/postgres.sh start "$work/pg" 55499 2>/dev/null); then
  pg_started=1
  pg_url="postgresql://postgres@127.0.0.1:55499/postgres"
  psql "$pg_url" -q -c "DROP DATABASE IF EXISTS proxy" -c "CREATE DATABASE proxy" >/dev/null
  pg_url="postgresql://postgres@127.0.0.1:55499/proxy"
  read -r g_first g_second g_body <<<"$(proxy_runs PostgreSql "Host=127.0.0.1;Port=55499;Username=postgres;Password=unused;Database=proxy")"
  pg_url="postgresql://postgres@127.0.0.1:55499/postgres"
  read -r q_first q_second <<<"$(peer_postgres)"
  rows+=("| PostgreSQL | first run | $g_first ms | $q_first ms | $(ratio "$g_first" "$q_first") |")
  rows+=("| PostgreSQL | second run (answers \`$g_body\`) | $g_second ms | $q_second ms | $(ratio "$g_second" "$q_second") |")
  pg_note=""
fi

{
  echo "## Bulk import (idempotent): 1,000 proposals, 5,000 people"
  echo
  echo "The proxy: \`POST /api/v1/facilities/demo/proposals:import\` (JSON, one request, wall time at the client) — parsing, validation,"
  echo "planning against the stored state, team groups kept in step, one audit entry per change, one transaction."
  echo "Peer: the same rows loaded raw by the database's own bulk loader (sqlite3 \`.import\` / psql \`\\copy\`) into equivalent"
  echo "keyed tables, the second run re-offering them to \`INSERT OR IGNORE\` / \`ON CONFLICT DO NOTHING\`. The ratio is proxy time ÷"
  echo "peer time: how many times the raw ingest the whole import costs (the peer does no validation, planning or audit, so it is a ceiling, not a rival)."
  echo
  echo "| Database | Run | Proxy | Peer (raw ingest) | Ratio |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  [[ -n "$pg_note" ]] && { echo; echo "$pg_note"; }
} > "$out"
cat "$out"
