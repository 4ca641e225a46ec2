"""The OpenAPI 3 document, generated from the routes' own marshmallow schemas (apispec).

What the schemas cannot say (money as decimal strings, headers, files, operation ids) comes
from :mod:`gateway.openapi_parts`; docs/api.md says what the document promises.
"""
from __future__ import annotations

import functools
import json
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from gateway import openapi_parts as parts
from gateway import openapi_rules as rules
from gateway.openapi_links import add_links
from gateway.openapi_examples import add_examples
from gateway.http import Route
from gateway.problems import PROBLEM_JSON
from gateway.schemas.common import Problem

_PATH_PARAM = re.compile(r"<(?:[a-z_]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
ALWAYS_DOCUMENTED = (500, 503, 504)
IDEMPOTENCY_KEY_PARAMETER = parts.IDEMPOTENCY_KEY_PARAMETER


def operations_of(service_cls) -> list[tuple[str, Route]]:
    """(method name, route) of every API operation of ``service_cls``, by URL and method."""
    found = []
    for name in dir(service_cls):
        for extension in getattr(getattr(service_cls, name), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(extension, Route):
                found.append((name, extension))
    return sorted(found, key=lambda pair: (pair[1].url, pair[1].method))


def routes_of(service_cls) -> list[Route]:
    return [route for _, route in operations_of(service_cls)]


def _responses(route: Route) -> dict:
    download = bool(route.produces) and not any(kind.startswith("text/") for kind in route.produces)
    success: dict = {"description": "Success", "headers": parts.response_headers(route.status, download)}
    if route.response_schema is not None:
        schema = route.response_schema(many=True) if route.many else route.response_schema
        success["content"] = {"application/json": {"schema": schema}}
    elif route.produces:
        success["content"] = parts.produced_content(route.produces)
    elif route.status != 204:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    responses = {str(route.status): success}
    statuses = set(route.problem_statuses) | set(ALWAYS_DOCUMENTED)
    if route.auth is not None:
        statuses |= {401, 403}
    if route.body_schema is not None or route.upload is not None:
        statuses |= {400, 413, 415, 422}
    if route.query_schema is not None or route.idempotent:
        statuses.add(422)
    for status in sorted(statuses - {route.status}):
        responses[str(status)] = {
            "description": "Problem", "headers": parts.response_headers(status),
            "content": {PROBLEM_JSON: {"schema": "Problem"}},
        }
    for status in route.answers:  # the route's own answer with another status, or a problem
        responses[str(status)] = {
            "description": "The answer, or a problem", "headers": parts.response_headers(status),
            "content": {**success.get("content", {}), PROBLEM_JSON: {"schema": "Problem"}},
        }
    return responses


def _operation(name: str, route: Route, path: str, method: str) -> dict:
    several = len(route.method.split(",")) > 1
    operation: dict = {"operationId": parts.operation_id(name, method, several), "summary": route.summary,
                       "tags": list(route.tags), "responses": _responses(route)}
    # Anonymous operations say so (security: []), so that no tool assumes a token is needed.
    operation["security"] = [{"bearer": []}] if route.auth is not None else []
    parameters: list = [
        {"in": "path", "name": param, "required": True, "schema": {"type": "string"}}
        for param in _PATH_PARAM.findall(route.url)
    ]
    if route.query_schema is not None:
        parameters.append({"in": "query", "schema": route.query_schema})
    if route.idempotent:
        parameters.append(parts.IDEMPOTENCY_KEY_PARAMETER)
    parameters.append(parts.REQUEST_ID_PARAMETER)
    parameters.append(parts.ACCEPT_LANGUAGE_PARAMETER)
    operation["parameters"] = parameters
    if route.body_schema is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": route.body_schema}}}
    elif route.upload is not None:
        operation["requestBody"] = parts.multipart_body(route.upload)
    return operation


@functools.lru_cache(maxsize=None)
def build_spec(service_cls, version: str = "1.0.0", server_url: str = "/") -> dict:
    """``server_url``: SPORTELLO_PUBLIC_BASE_URL where it is set; "/" (where the document came from) else."""
    plugin = rules.RulesPlugin()
    spec = APISpec(
        title="Sportello API",
        version=version,
        openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": "Customer self-service back end of an online shop. Errors are "
                             "application/problem+json. What this document promises: docs/api.md."},
    )
    plugin.converter.add_attribute_function(parts.served_shapes)
    rules.install(plugin)  # what the code enforces beyond marshmallow's own validators
    spec.components.schema("Problem", schema=Problem)
    spec.components.security_scheme("bearer", parts.BEARER_SCHEME)
    spec.options["servers"] = [{"url": server_url, "description": "The gateway"}]
    for tag in parts.TAGS:
        spec.tag(tag)
    for header, definition in parts.HEADERS.items():
        spec.components.header(header, definition)
    seen: dict[str, str] = {}
    for name, route in operations_of(service_cls):
        path = _PATH_PARAM.sub(r"{\1}", route.url)
        for method in (m.strip().lower() for m in route.method.split(",")):
            operation = _operation(name, route, path, method)
            rules.describe(operation, route)
            previous = seen.setdefault(operation["operationId"], f"{method} {path}")
            if previous != f"{method} {path}":  # two routes on one method name: ids must stay unique
                raise ValueError(f"operationId {operation['operationId']} of {method} {path} is {previous}'s too")
            spec.path(path=path, operations={method: operation})
    # Decimal bounds of money fields (validate.Range) would not survive json.dumps.
    return add_links(add_examples(json.loads(json.dumps(spec.to_dict(), default=float))))
