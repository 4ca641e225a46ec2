"""Pieces of the OpenAPI document that the routes' marshmallow schemas cannot say by themselves.

* Money: marshmallow's ``Decimal(as_string=True)`` is served as a decimal string ("319.51"),
  but apispec documents every Decimal as ``type: number``, which makes a generated client
  parse prices as floats. :func:`served_shapes` says what is served, as docs/asyncapi.yaml
  does, and documents a ``Dumped`` function field (money, totals) as its schema.
* Headers the gateway reads or writes on every operation (X-Request-ID, Retry-After,
  WWW-Authenticate, Content-Disposition), as reusable components.
* Operation ids: camelCase of the route method's name, so that they only change when the
  Python name does (docs/api.md lists them; tests/gateway/test_openapi.py keeps them).
"""
from __future__ import annotations

from marshmallow import fields

from services.chassis.events import Dumped

# The same pattern as docs/asyncapi.yaml's amounts: what str(Decimal) and marshmallow write.
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_NUMBER_ONLY = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def served_shapes(converter, field, ret: dict, **kwargs) -> dict:
    """apispec attribute function (runs after apispec's own): what these fields really serve.

    A string-dumped Decimal (or a field whose metadata says ``format: decimal``) is a string
    with a decimal pattern; a :class:`Dumped` field (money, totals, a thread's context) is its
    schema, nullable when it may be None.
    """
    if (isinstance(field, fields.Decimal) and field.as_string) or ret.get("format") == "decimal":
        for key in _NUMBER_ONLY:  # the Decimal converter's number keywords do not apply to a string
            ret.pop(key, None)
        return {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN}
    if isinstance(field, Dumped):
        ref = converter.resolve_nested_schema(field.schema)
        if field.allow_none:
            ret.pop("nullable", None)
            return {"anyOf": [ref, {"type": "object", "nullable": True}]}
        return {"allOf": [ref]}
    return {}


def operation_id(method_name: str, http_method: str, several_methods: bool) -> str:
    """``list_carts`` -> ``listCarts``; a route serving several methods gets the method appended."""
    head, *rest = method_name.strip("_").split("_")
    camel = head + "".join(part.capitalize() for part in rest)
    return camel + http_method.capitalize() if several_methods else camel


# -- headers ------------------------------------------------------------------------------
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 8, "maxLength": 100, "pattern": "^[!-~]+$"},
    "description": "Makes a retry safe (docs/reliability.md, Retrying requests): the same key with the same "
                   "request answers as the first time, without doing it again, for 24 hours; the same key "
                   "with another request is a 422 idempotency-key-reused problem.",
}
REQUEST_ID_PARAMETER = {
    "in": "header", "name": "X-Request-ID", "required": False,
    # Any value is accepted (an unsafe one is replaced, never refused), so the schema says no pattern.
    "schema": {"type": "string"},
    "description": "The caller's correlation id: kept when it matches ^[A-Za-z0-9._:-]{1,128}$ (otherwise the "
                   "gateway makes one), logged by every service and answered in the X-Request-ID response header.",
}
ACCEPT_LANGUAGE_PARAMETER = {
    "in": "header", "name": "Accept-Language", "required": False,
    "schema": {"type": "string"},
    "description": "The language of a problem's title, detail and field messages: it, de, pl, uk or en, q-values "
                   "honoured, English when none fits; a signed-in customer's profile language comes first "
                   "(docs/api.md, Problems and languages). The problem's type URI is the same in every language.",
}
HEADERS = {
    "X-Request-ID": {
        "description": "The request's correlation id (the caller's, when valid, or a new one); "
                       "also request_id in a problem document.",
        "schema": {"type": "string"}},
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "schema": {"type": "integer", "minimum": 0}},
    "WWW-Authenticate": {
        "description": 'Bearer realm="sportello": the operation needs a bearer token.',
        "schema": {"type": "string"}},
    "Content-Language": {
        "description": "The language of the problem's texts (it, de, pl, uk or en).",
        "schema": {"type": "string", "enum": ["en", "it", "de", "pl", "uk"]}},
    "Content-Disposition": {
        "description": "attachment, with the file's name (RFC 6266).",
        "schema": {"type": "string"}},
}


def response_headers(status: int, download: bool = False) -> dict:
    """The headers a response of ``status`` carries, as references to ``components.headers``."""
    names = ["X-Request-ID"] + (["Content-Language"] if status >= 400 else [])
    if status in (429, 503):
        names.append("Retry-After")
    if status == 401:
        names.append("WWW-Authenticate")
    if download and 200 <= status < 300:
        names.append("Content-Disposition")
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


# -- bodies that are not JSON -------------------------------------------------------------
def multipart_body(field_name: str) -> dict:
    return {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": [field_name],
                   "properties": {field_name: {"type": "string", "format": "binary"}}},
    }}}


def produced_content(content_types: tuple[str, ...]) -> dict:
    """A file (``format: binary``) or a page (text) per content type the route answers with."""
    return {kind: {"schema": {"type": "string"} if kind.startswith("text/")
                   else {"type": "string", "format": "binary"}} for kind in content_types}


# -- tags, security -----------------------------------------------------------------------
# Every tag a route uses, in the order a reader meets them (tests/gateway/test_openapi_examples.py keeps
# this list and the routes' tags equal).
TAGS = [
    {"name": "auth", "description": "Log in and out, activate an invited account, reset a password. "
                                    "Login answers the bearer token the other operations need."},
    {"name": "accounts", "description": "Register a private or business customer account."},
    {"name": "profile", "description": "The signed-in customer's profile and billing data."},
    {"name": "privacy", "description": "Consents, the data export and erasure of the account (GDPR)."},
    {"name": "company", "description": "A business account's employees, managed by its company admins."},
    {"name": "catalog", "description": "Products, categories, producers, showcases and purchasable services."},
    {"name": "carts", "description": "Named carts (one active at a time), their lines and price refreshes."},
    {"name": "checkout", "description": "Preview a cart's totals and place it as an order."},
    {"name": "orders", "description": "The customer's orders, their print page and the threads about them."},
    {"name": "quotes", "description": "Services priced on request: the quote cart, quotes and accepting them."},
    {"name": "returns", "description": "Returns (RMA): eligible orders, requests, attachments, labels, offers."},
    {"name": "messages", "description": "Customer desk threads, on their own or about an order or a return."},
    {"name": "staff", "description": "The shop's staff: orders, payments, quotes, returns, threads, catalog, "
                                     "companies and notifications. Needs a staff account's token."},
    {"name": "operations", "description": "Health, this document and the problem type pages: no token."},
]
BEARER_SCHEME = {
    "type": "http", "scheme": "bearer",
    "description": "The token from POST /api/v1/auth/login (an opaque string, not a JWT), sent as "
                   "'Authorization: Bearer <token>'. Operations without it say security: [].",
}
