"""Input rules the code enforces that marshmallow's validators do not carry into the OpenAPI document.

apispec converts ``Length``, ``Range``, ``Regexp`` and ``OneOf``; the gateway and the services
also refuse input by hand. Each such rule is said here in JSON Schema, next to the schema or
validator it belongs to, so that a client (and schemathesis, tests/security/test_api_contract.py)
knows what is valid before sending it:

* every free text refuses NUL (gateway.http.reject_unstorable_text: no database stores it; an
  unpaired surrogate cannot reach the gateway as UTF-8 JSON);
* a URL field is an http(s) ``uri`` (marshmallow's ``url`` is no JSON Schema format);
* hand-written field validators (a VAT percentage, a category name, a money bound) say their pattern;
* cross-field rules (``@validates_schema``) as ``oneOf``/``anyOf`` of the schema, and the
  operation's description says them in words too (they answer 422 naming the field).

The contract test fails when a rule here and the code disagree.
"""
from __future__ import annotations

import inspect

from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_instance
from marshmallow import fields

from services.accounts import schemas as accounts
from services.catalog import schemas as catalog
from services.chassis.events import Money
from services.messaging import schemas as messaging
from services.orders import schemas as orders
from services.returns import schemas as returns

# What reject_unstorable_text lets through: anything but NUL (the regex escape, not the character).
NO_NUL = "^[^\\u0000]*$"
# What marshmallow's URL validator (http/https, a top-level domain) accepts, written without flags;
# it also takes localhost, IP addresses and user:password@, which the document does not offer.
_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HTTP_URL = rf"^[Hh][Tt][Tt][Pp][Ss]?://({_LABEL}\.)+[A-Za-z]{{2,6}}(:[0-9]{{1,5}})?([/?][!-~]*)?$"

# Decimal strings with at most two decimals, from a bound to 10,000,000 (orders.MAX_AMOUNT).
_TO_TEN_MILLION = r"[1-9]\d{0,6}(\.\d{1,2})?|10000000(\.0{1,2})?"
MONEY_FROM_ZERO = rf"^(0(\.\d{{1,2}})?|{_TO_TEN_MILLION})$"
MONEY_FROM_A_CENT = rf"^(0\.(0[1-9]|[1-9]\d?)|{_TO_TEN_MILLION})$"

# catalog._percent: 0 to 100 with at most two decimals ("22.00"); _taxon_name: a letter or digit.
PERCENT = r"^(0?\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)$"
VALIDATOR_KEYWORDS = {
    # chassis Money.currency: three upper-case letters (a lambda).
    Money._declared_fields["currency"].validators[0]: {"pattern": "^[A-Z]{3}$"},
    catalog._percent: {"pattern": PERCENT},
    catalog._taxon_name: {"minLength": 1, "maxLength": 100, "pattern": r"^[^\u0000]*[^\W_][^\u0000]*$"},
}


def _validator_keywords(validator) -> dict:
    try:
        known = VALIDATOR_KEYWORDS.get(validator)
    except TypeError:  # an unhashable validator object: apispec's own kinds
        known = None
    if known is not None:
        return known
    if getattr(validator, "__qualname__", "") == "amount_between.<locals>.check":
        low = inspect.getclosurevars(validator).nonlocals["low"]
        return {"pattern": MONEY_FROM_ZERO if low == 0 else MONEY_FROM_A_CENT}
    return {}


def input_rules(converter, field, ret: dict, **kwargs) -> dict:
    """apispec attribute function (after gateway.openapi_parts.served_shapes)."""
    extra: dict = {}
    for validator in getattr(field, "validators", ()):
        extra.update(_validator_keywords(validator))
    if isinstance(field, fields.Nested) and field.allow_none and "anyOf" in ret:
        # apispec's null alternative is {"type": "object", "nullable": true}: any object at all.
        # What the field loads is its schema or null, nothing else.
        return {**extra, "anyOf": [ret["anyOf"][0], {"type": "object", "nullable": True, "enum": [None]}]}
    if isinstance(field, fields.Url):
        extra.update({"format": "uri", "pattern": HTTP_URL})
    elif (isinstance(field, fields.String) and type(field) in (fields.String, fields.Str)
          and "pattern" not in ret and "pattern" not in extra and "enum" not in ret):
        extra["pattern"] = NO_NUL
    return extra


def _not_null_string(min_length: int = 0) -> dict:
    return {"type": "string", **({"minLength": min_length} if min_length else {})}


# -- cross-field rules, by the schema that enforces them (a validates_schema method) -----------
SCHEMA_KEYWORDS = {
    # one_channel: the e-mail address or the phone number, not both, not neither.
    accounts.PasswordResetRequest: {"oneOf": [
        {"required": ["email"], "properties": {"email": _not_null_string()}},
        {"required": ["phone"], "properties": {"phone": _not_null_string()}},
    ]},
    # product_or_service: a product code or a service id; a form only with a service.
    orders.NewItem: {"oneOf": [
        {"required": ["code"], "not": {"required": ["service_id"]},
         "properties": {"form": {"type": "object", "maxProperties": 0, "nullable": True}}},
        {"required": ["service_id"], "not": {"required": ["code"]}},
    ]},
    # shipment_details: fulfilled needs its carrier and tracking number.
    orders.StatusCommand: {"anyOf": [
        {"properties": {"status": {"enum": ["processing", "delivered", "cancelled"]}}},
        {"required": ["carrier", "tracking_number"],
         "properties": {"carrier": _not_null_string(1), "tracking_number": _not_null_string(1)}},
    ]},
    # offer_with_offer: an offer goes with decision offer, and only with it.
    returns.Review: {"oneOf": [
        {"required": ["offer"], "properties": {"decision": {"enum": ["offer"]}, "offer": {"type": "object"}}},
        {"properties": {"decision": {"enum": ["approve", "request_info", "reject"]},
                        "offer": {"nullable": True, "enum": [None]}}},
    ]},
    # positive_amount: from 0.01 to 10,000,000.
    returns.Offer: {"allOf": [{"properties": {"amount": {"properties": {
        "amount": {"type": "string", "pattern": MONEY_FROM_A_CENT}}}}}]},
    # ref_matches_type: an order's number for an order, a return's for a return.
    messaging.ThreadContext: {"oneOf": [
        {"properties": {"type": {"enum": [kind]}, "ref": {"type": "string", "pattern": f"^{pattern.pattern}$"}}}
        for kind, pattern in messaging.REFERENCE_FORMATS.items()
    ]},
}


# What the rules above say, in words, for the description of each operation whose body they check.
SCHEMA_WORDS = {
    accounts.PasswordResetRequest: "Give either email or phone, not both (otherwise 422 naming email).",
    orders.NewItem: "Give either code (a product) or service_id (a service), not both; form only with a "
                    "service_id (otherwise 422 naming code or form).",
    orders.StatusCommand: "Status fulfilled needs a carrier and a tracking_number (otherwise 422 naming carrier).",
    returns.Review: "Decision offer needs an offer, and only it may have one (otherwise 422 naming offer).",
    catalog.NewService: "Pricing fixed needs a price, quote has none (422 invalid-pricing); a form field's min "
                        "and max only for type number (422 invalid-order-form).",
    catalog.ServiceChanges: "Pricing fixed needs a price, here or already stored; quote has none (422 "
                            "invalid-pricing); a form field's min and max only for type number (422 "
                            "invalid-order-form).",
    messaging.NewThread: "context.ref is an order number (ORD-2026-000123) for type order, a return number "
                         "(RMA-2026-000045) for type rma (otherwise 422 naming context.ref).",
}


def describe(operation: dict, route) -> None:
    """Adds the cross-field rules of the operation's body to its description."""
    words = SCHEMA_WORDS.get(route.body_schema)
    if words:
        operation["description"] = " ".join(filter(None, [operation.get("description"), words]))


class RulesConverter(OpenAPIConverter):
    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        extra = SCHEMA_KEYWORDS.get(type(resolve_schema_instance(schema)))
        if extra:
            jsonschema.update(extra)
        return jsonschema


class RulesPlugin(MarshmallowPlugin):
    """The marshmallow plugin, with the rules above (the field ones are added by :func:`install`)."""

    Converter = RulesConverter


def install(plugin: MarshmallowPlugin) -> None:
    plugin.converter.add_attribute_function(input_rules)
