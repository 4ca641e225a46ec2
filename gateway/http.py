"""The gateway's HTTP layer on top of nameko's web entrypoint.

* :class:`ApiServer` wraps nameko's WSGI app: it gives each request its
  correlation id, refuses oversized bodies before reading them, turns
  "no such route" and "wrong method" into problem+json, puts the security
  headers on every response (:func:`security_headers`), answers CORS for
  the configured origins only and, behind reverse proxies, takes the client's
  address from them (:mod:`gateway.origins`). Slow clients are cut off and
  connections capped (:mod:`gateway.connections`).
* :func:`route` declares an API operation: the entrypoint reads (:mod:`gateway.bodies`) and validates
  the query string and JSON body with the declared marshmallow schemas, dumps
  the result with the response schema, and answers every error as
  problem+json. The same declarations feed the OpenAPI document.
"""
from __future__ import annotations

import functools
import json
import re
import socket
import uuid
from functools import partial
from typing import Any
from urllib.parse import quote

from eventlet.event import Event
from marshmallow import Schema, ValidationError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from gateway import idempotency, problem_languages, problems
from gateway.auth import bearer_token
from gateway.bodies import read_json
from gateway.connections import GuardedWebServer
from gateway.origins import Cors, TrustedProxies
from services.chassis.idempotency import IDEMPOTENCY_CONTEXT_KEY

REQUEST_ID_HEADER = "X-Request-ID"
INVALID_AFTER_AUTH = "sportello.invalid_after_auth"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# -- response headers -----------------------------------------------------------------------
# The API answers JSON: nothing in it may run, load, or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# For HTML pages the gateway serves from its own origin (the portal): scripts, styles, images
# and fetches from 'self' only, no plugins, no inline script, no <base> or foreign form targets.
# A route that returns HTML sets its own Content-Security-Policy (this one, or a stricter one
# such as the order print page's); the API default only applies when a response set none.
HTML_SELF_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                 "object-src 'none'; frame-ancestors 'none'")
# Always set, whatever the route did: no content-type guessing, no server banner.
FORCED_HEADERS = {"X-Content-Type-Options": "nosniff"}
# Set when the route did not choose otherwise (static files may want caching, HTML its own CSP).
DEFAULT_HEADERS = {
    "Content-Security-Policy": API_CSP,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}
DROPPED_HEADERS = {"server", "x-powered-by"}


def security_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The response's headers with the security ones added: forced ones replace, defaults fill in."""
    forced = {name.lower() for name in FORCED_HEADERS}
    kept = [(k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS and k.lower() not in forced]
    present = {k.lower() for k, _ in kept}
    kept.extend(FORCED_HEADERS.items())
    kept.extend((k, v) for k, v in DEFAULT_HEADERS.items() if k.lower() not in present)
    return kept


def html_response(body: str, status: int = 200, csp: str = HTML_SELF_CSP, **headers: str) -> Response:
    """An HTML page with its own Content-Security-Policy (``HTML_SELF_CSP`` unless told otherwise)."""
    return Response(body, status=status, content_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": csp, **headers})


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value that no file name can break out of (RFC 6266).

    Plain names go as ``filename="..."``; anything else gets an ASCII fallback and the
    exact name percent-encoded in ``filename*`` -- never a quote, backslash or line break.
    """
    plain = re.sub(r"[^A-Za-z0-9._ -]+", "_", filename).strip() or "download"
    value = f'{disposition}; filename="{plain}"'
    if filename and plain != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def accept_request_id(value: str | None) -> str:
    """Keep a caller's id when it is safe to log and pass on; otherwise make one."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


# NUL and unpaired surrogates: no database stores them (PostgreSQL refuses NUL in text, and a
# lone surrogate cannot be encoded as UTF-8), so they are refused at the door, naming the field.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def reject_unstorable_text(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            field = path or "_schema"
            raise problems.HttpProblem(
                422, "validation-failed", "The request has invalid fields.", "Some fields are invalid.",
                errors={field: ["Contains a character that is not allowed (NUL or an unpaired surrogate)."]})
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_unstorable_text(key, path)
            reject_unstorable_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            reject_unstorable_text(item, f"{path}.{index}" if path else str(index))


class ApiWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request_id = accept_request_id(environ.get("HTTP_X_REQUEST_ID"))
        environ["sportello.request_id"] = request_id
        environ["REMOTE_ADDR"] = self.server.trusted_proxies.client_address(environ)
        cors = self.server.cors
        cors_headers = cors.response_headers(environ.get("HTTP_ORIGIN"))

        def start_with_headers(status, headers, exc_info=None):
            headers = security_headers(headers) + cors_headers
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(status, headers, exc_info)

        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            if cors.is_preflight(environ):
                response = problem_languages.localize(cors.preflight(environ, adapter, request_id), request)
                return response(environ, start_with_headers)
            provider, values = adapter.match()
            # A route may take more than the default (file uploads); still checked before reading.
            limit = getattr(provider, "max_body_bytes", None) or self.server.max_body_bytes
            request.max_content_length = limit
            if request.content_length is not None and request.content_length > limit:
                response = problems.problem_response(
                    413, "payload-too-large", problems.HTTP_PROBLEMS[413][1],
                    f"The body may be at most {limit} bytes.", request_id,
                )
                response.headers["Connection"] = "close"
                return problem_languages.localize(response, request)(environ, start_with_headers)
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            response = problems.from_http_exception(exc, request_id)
        # Every problem, whoever made it, in the caller's language (gateway/problem_languages.py).
        return problem_languages.localize(response, request)(environ, start_with_headers)


class ApiServer(GuardedWebServer):
    @property
    def max_body_bytes(self) -> int:
        return int(self.container.config.get("MAX_BODY_BYTES", 1024 * 1024))

    @functools.cached_property
    def cors(self) -> Cors:
        return Cors(self.container.config.get("CORS_ORIGINS") or ())

    def setup(self) -> None:
        super().setup()
        self.trusted_proxies = TrustedProxies(self.container.config.get("TRUSTED_PROXIES") or ())

    def get_wsgi_app(self):
        return ApiWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, **kwargs):
        # Without TCP_NODELAY a response over ~16 KB waits ~40 ms (Nagle's algorithm meets the
        # client's delayed ACK); accepted sockets inherit the option from the listening one.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().get_wsgi_server(sock, wsgi_app, **kwargs)

    def context_data_from_headers(self, request):
        return {"request_id": request.environ["sportello.request_id"]}


class Route(HttpRequestHandler):
    server = ApiServer()

    def __init__(self, method: str, url: str, *, body: type[Schema] | None = None,
                 query: type[Schema] | None = None, response: type[Schema] | None = None,
                 many: bool = False, status: int = 200, summary: str = "", tags: tuple = (),
                 problem_statuses: tuple[int, ...] = (), auth: str | None = None,
                 max_body_bytes: int | None = None, idempotent: bool | None = None,
                 upload: str | None = None, produces: tuple[str, ...] = (), answers: tuple[int, ...] = (),
                 **kwargs):
        super().__init__(method, url, **kwargs)
        self.auth = auth
        # For the OpenAPI document only: the multipart form field the route reads a file from, and
        # the content types of a route that answers a file or a page instead of JSON, and the other
        # statuses it answers with its response schema (a degraded /health is a 503 Health).
        self.upload = upload
        self.produces = produces
        self.answers = answers
        # Accepts an Idempotency-Key (gateway/idempotency.py): every unsafe method unless told otherwise.
        self.idempotent = (any(m.strip() in idempotency.UNSAFE_METHODS for m in method.split(","))
                           if idempotent is None else idempotent)
        self.max_body_bytes = max_body_bytes
        self.body_schema = body
        self.query_schema = query
        self.response_schema = response
        self.many = many
        self.status = status
        self.summary = summary
        self.tags = tags
        self.problem_statuses = problem_statuses

    # -- request ------------------------------------------------------------------
    def get_entrypoint_parameters(self, request):
        kwargs = dict(request.path_values)
        reject_unstorable_text(kwargs)
        if self.query_schema is not None:
            query = request.args.to_dict(flat=True)
            reject_unstorable_text(query)
            kwargs["query"] = self._loader("query_schema").load(query)
        if self.body_schema is not None:
            body = read_json(request)  # 400, 408, 413 or 415 problems
            reject_unstorable_text(body)
            request.environ[idempotency.JSON_BODY] = body
            kwargs["body"] = self._loader("body_schema").load(body)
        return (request,), kwargs

    def _parameters_checked_after_auth(self, request):
        """The parameters; an authenticated route's invalid query or body is answered after the token
        check (the worker raises it), so that its problem speaks the customer's language."""
        try:
            return self.get_entrypoint_parameters(request)
        except (ValidationError, problems.HttpProblem) as exc:
            if self.auth is None or getattr(exc, "status", 422) != 422:
                raise
            request.environ[INVALID_AFTER_AUTH] = exc
            kwargs = dict(request.path_values)
            kwargs.update({"query": None} if self.query_schema is not None else {})
            kwargs.update({"body": None} if self.body_schema is not None else {})
            return (request,), kwargs

    def _loader(self, kind: str) -> Schema:
        """One instance per route and kind: building a schema (its fields, nested schemas) costs
        more than loading a request with it (0.1-1.3 ms against ~0.1 ms), and a marshmallow
        schema keeps no state between loads."""
        loaders = self.__dict__.setdefault("_loaders", {})
        if kind not in loaders:
            loaders[kind] = getattr(self, kind)()
        return loaders[kind]

    def handle_request(self, request):
        request.shallow = False
        request_id = request.environ["sportello.request_id"]
        try:
            if self.auth is not None:
                bearer_token(request)  # no token, no reading of the body: anonymous callers get a 401 first
            key = idempotency.key_of(request) if self.idempotent else None  # a bad key: 422, body unread
            context_data = self.server.context_data_from_headers(request)
            args, kwargs = self._parameters_checked_after_auth(request)
            if key is not None:
                context_data[IDEMPOTENCY_CONTEXT_KEY] = idempotency.keyed_request(
                    key, self.container.config["IDENTITY_SECRET"], request, self, dict(request.path_values))
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, event))
            result = event.wait()
            return self.response_from_result(result)
        except Exception as exc:
            return problems.from_exception(exc, request_id)

    # -- response -----------------------------------------------------------------
    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status = self.status
        if isinstance(result, tuple):
            status, result = result
        # No second dump here: the service already dumped the result with its wire
        # contract, which is the response schema too (it documents the answer).
        if result is None:
            return Response(status=status)
        return Response(json.dumps(result, ensure_ascii=False), status=status, content_type="application/json")


AUTH_LEVELS = (None, "user", "customer", "staff")


def route(method: str, url: str, *, auth: str | None = None, **options):
    """Declare an API operation (see :class:`Route` for the options).

    ``auth``: ``None`` (public), ``"user"`` (any logged-in account),
    ``"customer"`` (a customer, not staff) or ``"staff"``. The check runs in
    the worker before the route method, so no route can forget it.
    """
    if auth not in AUTH_LEVELS:
        raise ValueError(f"auth must be one of {AUTH_LEVELS}")

    def decorator(method_fn):
        target = method_fn
        if auth is not None:
            @functools.wraps(method_fn)
            def target(self, request, *args, **kwargs):
                self.auth.authenticate(request, self.accounts, auth)
                if INVALID_AFTER_AUTH in request.environ:
                    raise request.environ.pop(INVALID_AFTER_AUTH)
                return method_fn(self, request, *args, **kwargs)

        return Route.decorator(method, url, auth=auth, **options)(target)

    return decorator
