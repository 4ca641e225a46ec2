"""The OpenAPI 3 document, generated from the routes' own marshmallow schemas (apispec)."""
from __future__ import annotations

import functools
import json
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from gateway.http import Route
from gateway.problems import PROBLEM_JSON
from gateway.schemas.common import Problem

_PATH_PARAM = re.compile(r"<(?:[a-z_]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
ALWAYS_DOCUMENTED = (500, 503, 504)
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 8, "maxLength": 100, "pattern": "^[!-~]+$"},
    "description": "Makes a retry safe (docs/reliability.md, Retrying requests): the same key with the same "
                   "request answers as the first time, without doing it again, for 24 hours; the same key "
                   "with another request is a 422 idempotency-key-reused problem.",
}


def routes_of(service_cls) -> list[Route]:
    found = []
    for name in dir(service_cls):
        for extension in getattr(getattr(service_cls, name), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(extension, Route):
                found.append(extension)
    return sorted(found, key=lambda r: (r.url, r.method))


@functools.lru_cache(maxsize=None)
def build_spec(service_cls, version: str = "1.0.0") -> dict:
    spec = APISpec(
        title="Sportello API",
        version=version,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Customer self-service back end of an online shop. Errors are application/problem+json."},
    )
    spec.components.schema("Problem", schema=Problem)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for route in routes_of(service_cls):
        path = _PATH_PARAM.sub(r"{\1}", route.url)
        operation: dict = {"summary": route.summary, "tags": list(route.tags), "responses": {}}
        if route.auth is not None:
            operation["security"] = [{"bearer": []}]
        parameters = [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            for name in _PATH_PARAM.findall(route.url)
        ]
        if route.query_schema is not None:
            parameters.append({"in": "query", "schema": route.query_schema})
        if route.idempotent:
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        if parameters:
            operation["parameters"] = parameters
        if route.body_schema is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": route.body_schema}},
            }
        success: dict = {"description": "Success"}
        if route.response_schema is not None:
            schema = route.response_schema(many=True) if route.many else route.response_schema
            success["content"] = {"application/json": {"schema": schema}}
        operation["responses"][str(route.status)] = success
        statuses = set(route.problem_statuses) | set(ALWAYS_DOCUMENTED)
        if route.auth is not None:
            statuses |= {401, 403}
        if route.body_schema is not None:
            statuses |= {400, 413, 415, 422}
        if route.query_schema is not None or route.idempotent:
            statuses.add(422)
        for status in sorted(statuses):
            operation["responses"][str(status)] = {
                "description": "Problem",
                "content": {PROBLEM_JSON: {"schema": "Problem"}},
            }
        for method in route.method.split(","):
            spec.path(path=path, operations={method.strip().lower(): operation})
    # Decimal bounds of money fields (validate.Range) would not survive json.dumps.
    return json.loads(json.dumps(spec.to_dict(), default=float))
