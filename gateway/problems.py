"""The one table that maps errors to HTTP: status, problem type, title (RFC 9457).

Domain errors arrive from the services as instances of the chassis categories
(``services/chassis/errors.py``); the gateway's own HTTP errors (bad JSON, no
route...) are listed beside them. Each row is tested in tests/gateway.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from services.chassis import errors

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://sportello.dev/problems/"
PROBLEM_JSON = "application/problem+json"

CATEGORY_STATUS: dict[type[errors.DomainError], int] = {
    errors.Invalid: 422,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.RateLimited: 429,
    errors.ServiceUnavailable: 503,
    errors.ServiceTimeout: 504,
}

# The gateway's own HTTP-level problems: werkzeug status -> (slug, title).
HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "The request could not be read."),
    404: ("not-found", "There is nothing at this address."),
    405: ("method-not-allowed", "This method is not allowed here."),
    413: ("payload-too-large", "The request body is too large."),
    415: ("unsupported-media-type", "Send the body as application/json."),
}


class HttpProblem(Exception):
    """A problem the gateway raises itself while reading a request."""

    def __init__(self, status: int, problem: str, title: str, detail: str = "", **extra: Any):
        super().__init__(detail)
        self.status, self.problem, self.title, self.detail, self.extra = status, problem, title, detail, extra


def problem_response(status: int, problem: str, title: str, detail: str = "", request_id: str | None = None,
                     fields: dict | None = None, headers: dict | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": PROBLEM_BASE + problem, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if fields:
        body["errors"] = fields
    body.update(extra)
    if request_id:
        body["request_id"] = request_id
    return Response(json.dumps(body, ensure_ascii=False), status=status, headers=headers, content_type=PROBLEM_JSON)


def from_exception(exc: BaseException, request_id: str | None = None) -> Response:
    if isinstance(exc, errors.DomainError):
        category = next((c for c in type(exc).__mro__ if c in CATEGORY_STATUS), None)
        status = CATEGORY_STATUS.get(category, 400)
        headers = {}
        if "retry_after" in exc.extra:
            headers["Retry-After"] = str(int(exc.extra["retry_after"]))
        elif status == 503:
            headers["Retry-After"] = "5"
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="sportello"'

        extra = {k: v for k, v in exc.extra.items() if k not in ("retry_after",)}
        return problem_response(status, exc.problem, exc.title, exc.detail, request_id,
                                fields=exc.fields, headers=headers, **extra)
    if isinstance(exc, ValidationError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return problem_response(422, errors.Invalid.problem, errors.Invalid.title,
                                "Some fields are invalid.", request_id, fields=messages)
    if isinstance(exc, HttpProblem):
        return problem_response(exc.status, exc.problem, exc.title, exc.detail, request_id, **exc.extra)
    if isinstance(exc, HTTPException):
        return from_http_exception(exc, request_id)
    # Anything else is our bug: log it with the request id, tell the client nothing more.
    log.error("unexpected error: %r", exc, exc_info=exc)
    return problem_response(500, "internal-error", "Something went wrong on our side.",
                            "The error was logged; quote the request id if you contact us.", request_id)


def from_http_exception(exc: HTTPException, request_id: str | None = None) -> Response:
    status = exc.code or 500
    problem, title = HTTP_PROBLEMS.get(status, ("http-error", exc.name))
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return problem_response(status, problem, title, exc.description or "", request_id, headers=headers)
