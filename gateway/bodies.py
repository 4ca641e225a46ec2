"""Reading a request's body: within the route's size limit, in time, and as JSON.

The size limit is checked against Content-Length before any of this runs (:mod:`gateway.http`);
a chunked body has no length up front, so it is counted here as it arrives. The time limits are
the connection's (:mod:`gateway.connections`): a pause longer than ``CLIENT_TIMEOUT``, or a body
slower than ``MIN_BODY_RATE``, ends the read, and the client gets a 408 problem. The JSON is read
by :func:`gateway.jsonbody.parse_json`, which refuses bodies nested too deep to read safely.
"""
from __future__ import annotations

import socket
from typing import Any

from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Request

from gateway import problems
from gateway.connections import CLOSE_AFTER_RESPONSE
from gateway.jsonbody import parse_json


def read_json(request: Request) -> Any:
    """The body's JSON value: 415 unless it is declared JSON, 400 when malformed or too deeply nested."""
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise problems.HttpProblem(415, "unsupported-media-type", problems.HTTP_PROBLEMS[415][1],
                                   f"Got {mimetype or 'no content type'}.")
    return parse_json(read_body(request))


def read_body(request: Request) -> bytes:
    """The whole body; a 408 problem when it stops arriving, arrives too slowly, or the client left."""
    try:
        return _read_body(request)
    except (socket.timeout, ClientDisconnected):  # too slow (werkzeug reports it as a disconnect), or gone
        request.environ.get(CLOSE_AFTER_RESPONSE, lambda: None)()
        raise problems.HttpProblem(408, "request-timeout", "The body did not arrive in time.",
                                   "The client paused too long, or sent the body too slowly.") from None


def _read_body(request: Request) -> bytes:
    if request.content_length is not None:  # already checked against the limit
        return request.get_data(cache=True)
    # A chunked body has no length up front (and werkzeug reads it as empty,
    # since eventlet does not set wsgi.input_terminated): read it ourselves,
    # never more than the limit.
    limit = request.max_content_length
    stream, chunks, size = request.environ["wsgi.input"], [], 0
    while chunk := stream.read(65536):
        size += len(chunk)
        if size > limit:
            raise problems.HttpProblem(413, "payload-too-large", problems.HTTP_PROBLEMS[413][1],
                                       f"The body may be at most {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)
