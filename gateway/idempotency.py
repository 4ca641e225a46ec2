"""The gateway's half of Idempotency-Key (the services' half: ``services/chassis/idempotency.py``).

Every unsafe route (POST, PUT, PATCH, DELETE) accepts the header unless it says otherwise
(``route(..., idempotent=False)``: a login, whose answer is a token that must never be stored).
A key is 8-100 visible ASCII characters, else a 422 problem naming ``Idempotency-Key``. With a
valid key the request's fingerprint -- method, route template, path parameters, query and body --
goes into the worker context beside the key; the service that does the work compares it with the
one it stored. The JSON body counts by value (key order and spacing do not matter); a multipart
body by its parts (name, file name and a digest of the content, not the random boundary). The
fingerprint is an HMAC under the identity secret, so a body with a password in it is not
guessable from the stored value.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
from werkzeug.exceptions import ClientDisconnected

from gateway import problems
from gateway.connections import CLOSE_AFTER_RESPONSE
from services.chassis.idempotency import HEADER, KeyedRequest, key_problem, valid_key

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_BODY = "sportello.json_body"  # where the route's reader leaves the JSON body it read (environ)
_NO_BODY = object()


def key_of(request) -> str | None:
    """The request's Idempotency-Key, or None; a 422 problem when it is not a valid key."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not valid_key(key):
        raise key_problem("Send an Idempotency-Key of 8 to 100 visible ASCII characters, e.g. a UUID.")
    return key


def _parts(request) -> list:
    """A multipart body as its parts, each file by its SHA-256 (and left readable for the route)."""
    try:
        # A part werkzeug cannot read the name of has the name None: ordered as "" would be, not compared to str.
        fields = sorted(([name, value] for name, value in request.form.items(multi=True)),
                        key=lambda part: (part[0] or "", part[0] is not None, part[1]))
        files = []
        for name, storage in request.files.items(multi=True):
            digest = hashlib.sha256(storage.stream.read()).hexdigest()
            storage.stream.seek(0)
            files.append([name, storage.filename, digest])
    except (socket.timeout, ClientDisconnected):
        request.environ.get(CLOSE_AFTER_RESPONSE, lambda: None)()
        raise problems.HttpProblem(408, "request-timeout", "The body did not arrive in time.",
                                   "The client paused too long, or sent the body too slowly.") from None
    return [fields, sorted(files)]


def fingerprint(secret: str, request, route, path_values: dict) -> str:
    body = request.environ.get(JSON_BODY, _NO_BODY)
    if body is _NO_BODY and request.mimetype == "multipart/form-data":
        body = {"multipart": _parts(request)}
    canonical = json.dumps({
        "method": request.method, "route": route.url, "path": path_values,
        "query": sorted([k, v] for k, v in request.args.items(multi=True)),
        "body": None if body is _NO_BODY else body,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = hmac.new(secret.encode(), b"sportello.idempotency.v1", hashlib.sha256).digest()
    return hmac.new(key, canonical.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def keyed_request(key: str, secret: str, request, route, path_values: dict) -> str:
    """The worker-context value for a request sent with ``key`` (after its body was read)."""
    return KeyedRequest(key, fingerprint(secret, request, route, path_values),
                        f"{request.method} {route.url}", route.status).encode()
