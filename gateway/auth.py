"""Bearer-token authentication at the gateway.

The token is checked by the accounts service; the answer is cached here for
at most ``AUTH_CACHE_SECONDS`` (1 s), so most requests need no extra round
trip and a revoked token is refused everywhere within a second. The caller's
identity then goes into the worker context, signed, and travels with every
RPC call this request makes.
"""
from __future__ import annotations

import hashlib
import time

from nameko.extensions import DependencyProvider

from gateway.problem_languages import CALLER_LANGUAGE_KEY
from services.chassis.auth import IDENTITY_CONTEXT_KEY, Identity, IdentitySigner
from services.chassis.errors import Forbidden, Unauthenticated
from services.chassis.rpc import call

MAX_CACHED_TOKENS = 50_000


def bearer_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send the token from /api/v1/auth/login as 'Authorization: Bearer <token>'.")
    return token.strip()


class TokenCache:
    def __init__(self, ttl: float):
        self.ttl = ttl
        self._entries: dict[str, tuple[Identity, float]] = {}

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> Identity | None:
        entry = self._entries.get(self.key(token))
        if entry is None or entry[1] <= time.monotonic():
            return None
        return entry[0]

    def put(self, token: str, identity: Identity) -> None:
        if len(self._entries) >= MAX_CACHED_TOKENS:
            now = time.monotonic()
            self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
        self._entries[self.key(token)] = (identity, time.monotonic() + self.ttl)

    def forget(self, token: str) -> None:
        self._entries.pop(self.key(token), None)


class Authenticator(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        self.signer = IdentitySigner(config["IDENTITY_SECRET"])
        self.cache = TokenCache(ttl=min(1.0, float(config.get("AUTH_CACHE_SECONDS", 1.0))))

    def get_dependency(self, worker_ctx) -> "RequestAuth":
        return RequestAuth(self, worker_ctx)


class RequestAuth:
    """The current request's caller; ``authenticate`` fills it in."""

    def __init__(self, provider: Authenticator, worker_ctx):
        self._provider = provider
        self._worker_ctx = worker_ctx
        self.identity: Identity | None = None
        self.token: str | None = None

    def authenticate(self, request, accounts, level: str) -> Identity:
        token = bearer_token(request)
        identity = self._provider.cache.get(token)
        if identity is None:
            identity = Identity(**call(accounts, "authenticate", token))
            self._provider.cache.put(token, identity)
        if level == "staff" and not identity.is_staff:
            raise Forbidden("This needs a staff account.")
        if level == "customer" and identity.is_staff:
            raise Forbidden("Staff accounts have no customer area.")
        self.identity, self.token = identity, token
        # Problems answer in the customer's language, whatever Accept-Language says (gateway/problem_languages.py).
        request.environ[CALLER_LANGUAGE_KEY] = identity.language
        self._worker_ctx.data[IDENTITY_CONTEXT_KEY] = self._provider.signer.sign(identity)
        return identity

    def forget(self) -> None:
        if self.token:
            self._provider.cache.forget(self.token)
