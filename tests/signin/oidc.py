"""A small OpenID provider on localhost for the tests, standing in for Entra ID or Google
Workspace: discovery, an authorisation endpoint that signs in whoever the test says, a token
endpoint that checks the client secret and PKCE, and ID tokens signed with its own RSA key."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class Provider:
    def __init__(self, client_id, client_secret):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims = {}  # who signs in at the next authorisation
        self.audience = None  # None: the client's own ID
        self.codes = {}
        self.token_requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def configuration(self):
        return {
            "issuer": self.base,
            "authorization_endpoint": self.base + "/authorize",
            "token_endpoint": self.base + "/token",
            "jwks_uri": self.base + "/jwks",
            "userinfo_endpoint": self.base + "/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def id_token(self, claims):
        now = int(time.time())
        payload = {
            "iss": self.base,
            "aud": self.audience or self.client_id,
            "iat": now,
            "exp": now + 300,
            "sub": claims.get("sub") or hashlib.sha256(claims["email"].encode()).hexdigest(),
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "test-key"})

    def jwks(self):
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]}

    def _handler(provider):  # noqa: N805 (the handler closes over the provider)
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.configuration())
                if url.path == "/jwks":
                    return self._json(provider.jwks())
                if url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    if query.get("client_id") != provider.client_id:
                        return self._json({"error": "unauthorized_client"}, 400)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {**query, "claims": dict(provider.claims)}
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    grant is None
                    or form.get("client_id") != provider.client_id
                    or form.get("client_secret") != provider.client_secret
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    return self._json({"error": "invalid_grant"}, 400)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                if challenge.decode().rstrip("=") != grant.get("code_challenge"):
                    return self._json({"error": "invalid_grant", "reason": "pkce"}, 400)
                return self._json(
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(grant["claims"]),
                    }
                )

        return Handler
