"""Scripted brokered logins against the proxy (bench/parts/logins.sh).

Each login is what a browser and a confidential web client do: GET /connect/authorize (PKCE S256) ->
the proxy's signed AuthnRequest to the demo SAML IdP -> the IdP's page, a person chosen -> the IdP's
signed and encrypted Response posted to the proxy's ACS -> back to the authorization endpoint ->
redirect with a code -> POST /connect/token (client_secret_basic) -> ID, access and refresh tokens.
A fresh cookie jar per login: every login is a first login of a browser (a new proxy session).

    login_client.py --base URL --client-id ID --secret-file FILE --redirect-uri URI --resource URI
                    [--users alice,bob,carol] [--threads N] (--seconds S | --count N) [--refresh-out FILE]

Prints one JSON line: {"logins": n, "errors": n, "seconds": s, "first_error": "..."}. With --refresh-out
the refresh tokens of the logins are written there, one a line (the refresh_token part's starting set).
"""
import argparse
import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
import urllib.parse

import requests

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class LoginError(Exception):
    pass


def hidden_fields(page):
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def login(args, secret, user):
    browser = requests.Session()
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "client_id": args.client_id, "response_type": "code", "redirect_uri": args.redirect_uri,
        "scope": "openid offline_access eduperson_entitlement", "resource": args.resource,
        "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge, "code_challenge_method": "S256"})
    location = f"{args.base}/connect/authorize?{query}"
    # Redirects up to the demo IdP's page (the proxy signs the AuthnRequest for the HTTP-Redirect binding).
    for _ in range(5):
        response = browser.get(location, allow_redirects=False)
        if response.status_code != 302:
            break
        location = urllib.parse.urljoin(location, response.headers["Location"])
    if response.status_code != 200 or "/demo-idp/sso" not in location:
        raise LoginError(f"no demo IdP page: {response.status_code} at {location}")
    choice = hidden_fields(response.text)
    choice["username"] = user
    answer = browser.post(location.split("?")[0], data=choice, allow_redirects=False)
    if answer.status_code != 200:
        raise LoginError(f"demo IdP answered {answer.status_code}")
    action = FORM_ACTION.search(answer.text)
    if not action:
        raise LoginError("no ACS form from the demo IdP")
    consumed = browser.post(html.unescape(action.group(1)), data=hidden_fields(answer.text), allow_redirects=False)
    if consumed.status_code != 302:
        raise LoginError(f"ACS answered {consumed.status_code}: {consumed.text[:200]}")
    location = urllib.parse.urljoin(args.base, consumed.headers["Location"])
    for _ in range(5):
        if location.startswith(args.redirect_uri):
            break
        response = browser.get(location, allow_redirects=False)
        if response.status_code != 302:
            raise LoginError(f"{location} answered {response.status_code}: {response.text[:200]}")
        location = urllib.parse.urljoin(location, response.headers["Location"])
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [None])[0]
    if code is None:
        raise LoginError(f"no code at the client: {location}")
    token = requests.post(f"{args.base}/connect/token", auth=(args.client_id, secret), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": args.redirect_uri,
        "code_verifier": verifier})
    body = token.json() if token.headers.get("Content-Type", "").startswith("application/json") else {}
    if token.status_code != 200 or "id_token" not in body or "refresh_token" not in body:
        raise LoginError(f"token endpoint answered {token.status_code}: {token.text[:200]}")
    return body["refresh_token"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--resource", required=True)
    parser.add_argument("--users", default="alice,bob,carol")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--count", type=int)
    parser.add_argument("--refresh-out")
    args = parser.parse_args()
    with open(args.secret_file) as f:
        secret = f.read().strip()
    users = args.users.split(",")
    lock = threading.Lock()
    state = {"logins": 0, "errors": 0, "started": 0, "first_error": None, "refresh": []}
    deadline = time.monotonic() + args.seconds if args.seconds else None

    def worker(index):
        n = index
        while True:
            with lock:
                if args.count is not None and state["started"] >= args.count:
                    return
                state["started"] += 1
            if deadline is not None and time.monotonic() >= deadline:
                return
            try:
                refresh = login(args, secret, users[n % len(users)])
                with lock:
                    state["logins"] += 1
                    state["refresh"].append(refresh)
            except (LoginError, requests.RequestException) as error:
                with lock:
                    state["errors"] += 1
                    state["first_error"] = state["first_error"] or str(error)
            n += args.threads

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if args.refresh_out:
        with open(args.refresh_out, "w") as f:
            f.write("".join(token + "\n" for token in state["refresh"]))
    print(json.dumps({"logins": state["logins"], "errors": state["errors"], "seconds": round(elapsed, 3),
                      "first_error": state["first_error"]}))


if __name__ == "__main__":
    main()
