"""A small, real OpenID Connect provider for tests.

It runs an HTTP server on 127.0.0.1 (random port) in a background thread and implements the
endpoints Torg uses, without discovery:

- ``GET /authorize``: validates the request (client, redirect URI, ``response_type=code``, scope
  ``openid``, state, nonce and an S256 PKCE challenge), auto-approves the configured test user
  and redirects back with ``code`` and ``state``.
- ``POST /token``: checks the code (single use), client id and secret (``client_secret_post`` or
  ``client_secret_basic``), the redirect URI and the PKCE ``code_verifier``; returns an access
  token and an RS256-signed ``id_token`` carrying the nonce.
- ``GET /jwks``: the public signing key.
- ``GET /userinfo``: the user's claims for a bearer access token.

Tests change ``user`` (the claims of whoever "logs in" next) and may tamper with the next id_token
(``tamper``: ``nonce``, ``sign_with`` another key, ``kid``, ``iss``, ``aud``, ``exp``) to check that
Torg rejects it. The RSA keys are generated at start-up: no key material lives in the repository.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign_jwt(claims: dict, key, kid: str, alg: str = "RS256") -> str:
    """A compact JWS (RS256) over `claims`, signed with the RSA private `key`."""
    header = {"alg": alg, "typ": "JWT", "kid": kid}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def public_jwk(key, kid: str) -> dict:
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


class OIDCTestProvider:
    def __init__(self, *, client_id="torg-test-client", client_secret=None, redirect_uris=(), user=None):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.redirect_uris = set(redirect_uris)
        self.user = dict(user or {"sub": "test-subject"})
        self.key = new_rsa_key()
        self.kid = "torg-test-key-1"
        self.tamper = {}
        self.codes = {}  # code -> the approved authorization request
        self.access_tokens = {}  # access token -> claims
        self.token_requests = []  # form bodies received at /token (for assertions)
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    # --- Life cycle ------------------------------------------------------------------------
    def start(self):
        provider = self

        class Handler(_Handler):
            op = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="oidc-test-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def issuer(self):
        return self.base_url + "/"

    def provider_settings(self, *, tenant, role, scopes="openid profile", issuer=None, user_endpoint=True):
        """A provider dict as found in settings.TORG_OIDC_PROVIDERS."""
        return {
            "CLIENT_ID": self.client_id,
            "CLIENT_SECRET": self.client_secret,
            "AUTHORIZATION_ENDPOINT": self.base_url + "/authorize",
            "TOKEN_ENDPOINT": self.base_url + "/token",
            "USER_ENDPOINT": self.base_url + "/userinfo" if user_endpoint else "",
            "JWKS_ENDPOINT": self.base_url + "/jwks",
            "ISSUER": self.issuer if issuer is None else issuer,
            "SIGN_ALGO": "RS256",
            "SCOPES": scopes,
            "TENANT": tenant,
            "ROLE": role,
        }

    # --- Protocol --------------------------------------------------------------------------
    def authorize(self, query: dict):
        """(status, headers, body) for GET /authorize."""
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            return 400, {}, {"error": "invalid_request", "error_description": "unknown client or redirect_uri"}
        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type must be code")
        if "openid" not in query.get("scope", "").split():
            problems.append("scope must include openid")
        for name in ("state", "nonce", "code_challenge"):
            if not query.get(name):
                problems.append(f"{name} is required")
        if query.get("code_challenge_method") != "S256":
            problems.append("code_challenge_method must be S256")
        if problems:
            location = redirect_uri + "?" + urlencode(
                {"error": "invalid_request", "error_description": "; ".join(problems), "state": query.get("state", "")}
            )
            return 302, {"Location": location}, None
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = {
                "redirect_uri": redirect_uri,
                "nonce": query["nonce"],
                "code_challenge": query["code_challenge"],
                "claims": dict(self.user),
                "scope": query["scope"],
            }
        location = redirect_uri + "?" + urlencode({"code": code, "state": query["state"]})
        return 302, {"Location": location}, None

    def token(self, form: dict, authorization: str | None):
        """(status, headers, body) for POST /token."""
        self.token_requests.append(dict(form))
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            raw = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = raw.partition(":")
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return 401, {}, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {}, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {}, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        if not verifier or b64url(hashlib.sha256(verifier.encode("ascii")).digest()) != grant["code_challenge"]:
            return 400, {}, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        tamper = self.tamper
        claims = {
            **grant["claims"],
            "iss": tamper.get("iss", self.issuer),
            "aud": tamper.get("aud", self.client_id),
            "iat": now,
            "exp": tamper.get("exp", now + 120),
            "nonce": tamper.get("nonce", grant["nonce"]),
        }
        id_token = sign_jwt(claims, tamper.get("sign_with", self.key), tamper.get("kid", self.kid))
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self.access_tokens[access_token] = dict(grant["claims"])
        return 200, {}, {"access_token": access_token, "token_type": "Bearer", "expires_in": 120,
                         "id_token": id_token, "scope": grant["scope"]}

    def jwks(self):
        return 200, {}, {"keys": [public_jwk(self.key, self.kid)]}

    def userinfo(self, authorization: str | None):
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        with self._lock:
            claims = self.access_tokens.get(token)
        if claims is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, {"error": "invalid_token"}
        return 200, {}, claims


class _Handler(BaseHTTPRequestHandler):
    op: OIDCTestProvider

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/authorize":
            self._send(*self.op.authorize(query))
        elif parts.path == "/jwks":
            self._send(*self.op.jwks())
        elif parts.path == "/userinfo":
            self._send(*self.op.userinfo(self.headers.get("Authorization")))
        else:
            self._send(404, {}, {"error": "not_found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path == "/token":
            self._send(*self.op.token(form, self.headers.get("Authorization")))
        else:
            self._send(404, {}, {"error": "not_found"})
