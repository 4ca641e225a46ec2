"""Examples in the OpenAPI document, composed from the schemas themselves (issue 18 item 2).

Every JSON request body and 2xx JSON response gets ``content.<type>.example``, built by walking
its resolved schema: a field's own ``example`` (marshmallow ``metadata={"example": ...}``, for
the fields where a made-up value would be wrong: codes, e-mails, money, order numbers...), else
its enum, default, format or type, within its bounds. Nothing is written per operation, so an
example follows its schema when the schema changes; tests/gateway/test_openapi_examples.py
checks that each example validates against its own schema.

A request example holds the required properties and the optional ones that carry an example
(their own or a name in NAME_EXAMPLES; a request with every optional field would meet the cross-field rules: a cart item names a
product *or* a service). A response example holds every property, nullable ones with a value.
"""
from __future__ import annotations

JSON = "application/json"
_MAX_DEPTH = 8  # a schema that nests itself (none does today) stops here instead of recursing for ever

# What a value of a string format looks like, where the format says enough.
FORMAT_EXAMPLES = {
    "date-time": "2026-03-14T09:30:00Z",
    "date": "2026-03-14",
    "email": "anna.rossi@example.com",
    "decimal": "319.51",
    "url": "https://shop.example.com/",
    "uri": "https://shop.example.com/",
    "uuid": "3f8c2a5e-7b1d-4c9e-9a64-1d2f3e4a5b6c",
    "binary": "",
}
# Strings that say what they are by their property name alone (a field's own example wins), and
# the few names that mean different things in different schemas ("Schema.property").
NAME_EXAMPLES = {
    "Order.number": "ORD-2026-000123", "OrderSummary.number": "ORD-2026-000123",
    "Quote.number": "QUO-2026-000017", "AcceptedQuote.number": "QUO-2026-000017",
    "Rma.number": "RMA-2026-000045", "RmaSummary.number": "RMA-2026-000045",
    "Order.status": "processing", "OrderSummary.status": "processing", "Order.customer_status": "in progress",
    "OrderSummary.customer_status": "in progress", "payment_status": "awaiting", "payment_method": "bank_transfer",
    "Cart.name": "Workshop", "Cart.status": "active", "Customer.status": "active", "Customer.kind": "private",
    "ProductHit.name": "Trapano a batteria 18V", "ProductDetail.name": "Trapano a batteria 18V",
    "CartLine.name": "Trapano a batteria 18V", "OrderLine.name": "Trapano a batteria 18V",
    "CartLine.kind": "product", "OrderLine.kind": "product", "CartLine.reference": "DRILL-18V",
    "OrderLine.reference": "DRILL-18V", "RmaLine.reference": "DRILL-18V", "EligibleLine.reference": "DRILL-18V",
    "order_number": "ORD-2026-000123", "invoice_number": "ORD-2026-000123", "rma_number": "RMA-2026-000045",
    "customer_number": "CUS-000042", "identifier": "anna.rossi@example.com", "email": "anna.rossi@example.com",
    "recipient": "anna.rossi@example.com", "password": "Lampone-Gatto-1987", "current_password": "Lampone-Gatto-1987",
    "new_password": "Mirtillo-Cane-2031", "first_name": "Anna", "last_name": "Rossi", "phone": "+393401234567",
    "company_name": "Rossi Utensili S.r.l.", "street": "Via Roma 12", "postal_code": "20121", "city": "Milano",
    "country": "IT", "currency": "EUR", "language": "it", "vat_number": "IT02468013579",
    "tax_id": "IT02468013579", "fiscal_code": "RSSNNA80A41F205X", "sdi_code": "M5UXCR1", "code": "DRILL-18V",
    "carrier": "BRT", "return_carrier": "BRT", "tracking_number": "1234567890123",
    "return_tracking_number": "1234567890124", "token": "c2VjcmV0LXRva2VuLWZyb20tdGhlLW1haWw",
    "subject": "Where is my order?", "body": "Hello, the drill has not arrived yet.",
    "message": "The battery does not charge.", "note": "For the workshop", "slug": "power-tools",
    "filename": "broken-charger.jpg", "content_type": "image/jpeg",
    "vat_rate": "22.00", "request_id": "3f8c2a5e7b1d4c9e",
    "PostalAddress.name": "Anna Rossi", "QuoteItem.service_id": "7d0f6b52-1c4e-4f0a-8b3e-5a9d2c7e1f40",
    "QuoteLine.service_id": "7d0f6b52-1c4e-4f0a-8b3e-5a9d2c7e1f40",
    "id": "3f8c2a5e-7b1d-4c9e-9a64-1d2f3e4a5b6c", "idempotency_key": "checkout-7f3a9c2e",
}
# Patterns the schemas share (when a field has no example of its own): a value each matches.
PATTERN_EXAMPLES = {
    r"^[A-Z]{2}$": "IT",
    r"^[A-Z]{3}$": "EUR",
    r"^\+[1-9]\d{6,14}$": "+393401234567",
    r"^[!-~]+$": "checkout-7f3a9c2e",
}


class ExampleBuilder:
    """Composes an example value for a schema of ``document`` (``$ref``s resolved against it)."""

    def __init__(self, document: dict):
        self.document = document

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self._target(schema["$ref"])
        return schema

    def _component_name(self, schema: dict) -> str:
        return schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else ""

    def _target(self, ref: str) -> dict:
        node = self.document
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    def example(self, schema: dict, *, request: bool, depth: int = 0, name: str = ""):
        """``name``: the property's, qualified by its schema ("Order.number"), where it is one."""
        owner = self._component_name(schema)
        schema = self.resolve(schema)
        if "example" in schema:
            return schema["example"]
        if depth > _MAX_DEPTH:
            return None
        if "properties" in schema and {"allOf", "oneOf", "anyOf"} & set(schema):
            schema = self._narrowed(schema)
        if "allOf" in schema:
            return self._all_of(schema, request, depth)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self._first_alternative(schema[key], request, depth)
        if "enum" in schema:
            return schema["enum"][0]
        if schema.get("type") == "string" and self._has_example(schema, name):
            return self._string(schema, name)  # "For the workshop" says more than a default ""
        if schema.get("default") is not None:
            return schema["default"]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return self._object(schema, request, depth, owner)
        if kind == "array":
            item = self.example(schema.get("items", {}), request=request, depth=depth + 1)
            return [item] * max(1, schema.get("minItems", 1))
        if kind in ("integer", "number"):
            return self._number(schema, kind)
        if kind == "boolean":
            return True
        if kind == "string":
            return self._string(schema, name)
        return None

    def _all_of(self, schema: dict, request: bool, depth: int):
        parts = [self.example(part, request=request, depth=depth + 1) for part in schema["allOf"]]
        if all(isinstance(part, dict) for part in parts):
            merged: dict = {}
            for part in parts:
                merged.update(part)
            return merged
        return parts[0]

    def _first_alternative(self, alternatives: list, request: bool, depth: int):
        """The first alternative that is not just ``null`` (a nullable field shown with a value)."""
        for alternative in alternatives:
            resolved = self.resolve(alternative)
            only_null = (resolved.get("nullable") and set(resolved) <= {"type", "nullable", "enum"}
                         and resolved.get("enum", [None]) == [None])
            if not only_null:
                return self.example(alternative, request=request, depth=depth + 1)
        return None

    def _narrowed(self, schema: dict) -> dict:
        """An object with cross-field rules (its properties, and conditions on them: an allOf of
        overlays, a oneOf/anyOf of "code or service_id", "an offer for decision offer"), as one
        schema: each allOf part and the first alternative laid over the object (properties merged,
        required added); what that alternative's ``not`` forbids, or only the others require, left out."""
        narrowed = {key: value for key, value in schema.items() if key not in ("allOf", "oneOf", "anyOf")}
        for part in schema.get("allOf", ()):
            narrowed = self._overlay(narrowed, self.resolve(part))
        alternatives = [self.resolve(a) for a in schema.get("oneOf") or schema.get("anyOf") or ()]
        if alternatives:
            chosen = alternatives[0]
            narrowed = self._overlay(narrowed, chosen)
            keep = set(narrowed.get("required", ()))
            others = {name for other in alternatives[1:] for name in other.get("required", ())}
            for name in set(chosen.get("not", {}).get("required", ())) | (others - keep):
                narrowed["properties"].pop(name, None)
        return narrowed

    def _overlay(self, base: dict, rule: dict) -> dict:
        merged = dict(base)
        for key, value in rule.items():
            if key == "properties":
                properties = dict(base.get("properties", {}))
                for name, inner in value.items():
                    properties[name] = self._overlay(self.resolve(properties.get(name, {})), inner)
                merged["properties"] = properties
            elif key == "required":
                merged["required"] = sorted(set(base.get("required", ())) | set(value))
            elif key != "not":
                merged[key] = value
        return merged

    def _object(self, schema: dict, request: bool, depth: int, owner: str = "") -> dict:
        required = set(schema.get("required", ()))
        value = {}
        for name, prop in schema.get("properties", {}).items():
            resolved = self.resolve(prop)
            if resolved.get("readOnly" if request else "writeOnly"):
                continue
            if request and name not in required and not self._has_example(resolved, f"{owner}.{name}"):
                continue
            value[name] = self.example(prop, request=request, depth=depth + 1, name=f"{owner}.{name}")
        extra = schema.get("additionalProperties")
        if not value and isinstance(extra, dict) and extra:
            value["key"] = self.example(extra, request=request, depth=depth + 1)
        return value

    @staticmethod
    def _has_example(schema: dict, name: str) -> bool:
        return "example" in schema or name in NAME_EXAMPLES or name.rsplit(".", 1)[-1] in NAME_EXAMPLES

    @staticmethod
    def _number(schema: dict, kind: str):
        low, high = schema.get("minimum"), schema.get("maximum")
        value = 1 if low is None else low
        if schema.get("exclusiveMinimum") and low is not None:
            value = low + 1
        if high is not None and value > high:
            value = high
        return int(value) if kind == "integer" else float(value)

    @staticmethod
    def _string(schema: dict, name: str) -> str:
        pattern = schema.get("pattern")
        plain = name.rsplit(".", 1)[-1]
        if name in NAME_EXAMPLES or plain in NAME_EXAMPLES:
            value = NAME_EXAMPLES.get(name, NAME_EXAMPLES.get(plain))
        elif schema.get("format") in FORMAT_EXAMPLES:
            value = FORMAT_EXAMPLES[schema["format"]]
        elif pattern in PATTERN_EXAMPLES:
            value = PATTERN_EXAMPLES[pattern]
        else:
            value = "text"
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if len(value) < low:
            value = value + "x" * (low - len(value))
        if high is not None and len(value) > high:
            value = value[:high]
        # A pattern this cannot meet leaves an example its schema refuses: the test names the field,
        # which then gets metadata={"example": ...}.
        return value


def add_examples(document: dict) -> dict:
    """Puts an example at ``content.application/json.example`` of every request body and 2xx response."""
    builder = ExampleBuilder(document)
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get(JSON)
            if body is not None and "example" not in body:
                body["example"] = builder.example(body["schema"], request=True)
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get(JSON)
                if status.startswith("2") and content is not None and "example" not in content:
                    content["example"] = builder.example(content["schema"], request=False)
    return document
