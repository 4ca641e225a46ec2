"""The orders service's wire contracts: RPC in/out and event payloads."""
from decimal import Decimal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.chassis.events import Dumped, EventSchema, Money, MoneyOf, PostalAddress
from services.chassis.paging import PageOf, PageQuery

QUANTITY = validate.Range(min=1, max=9999, error="From 1 to 9999.")
MAX_AMOUNT = Decimal("10000000.00")


def amount_between(low: Decimal):
    """A money bound as a plain check: Range on a string-dumped Decimal would put strings in the OpenAPI bounds."""
    def check(value: Decimal) -> None:
        if not low <= value <= MAX_AMOUNT:
            raise ValidationError(f"From {low} to {MAX_AMOUNT}.")
    return check
TEXT_200 = validate.Length(max=200)


class Billing(Schema):
    company_name = fields.String(allow_none=True, validate=TEXT_200)
    vat_number = fields.String(allow_none=True, validate=validate.Length(max=40))
    fiscal_code = fields.String(allow_none=True, validate=validate.Length(max=40))
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    postal_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 code, e.g. IT."))
    sdi_code = fields.String(allow_none=True, validate=validate.Length(max=7))
    pec = fields.Email(allow_none=True)
    invoice_email = fields.Email(allow_none=True)


class NewCart(Schema):
    name = fields.String(load_default="Cart", validate=validate.Length(min=1, max=100))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class CartChanges(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    note = fields.String(validate=validate.Length(max=2000))


class NewItem(Schema):
    code = fields.String(validate=validate.Length(min=1, max=64))
    service_id = fields.String(validate=validate.Length(min=1, max=36))
    quantity = fields.Integer(load_default=1, validate=QUANTITY, strict=True)
    form = fields.Dict(keys=fields.String(), load_default=None, allow_none=True)

    @validates_schema
    def product_or_service(self, data, **kwargs):
        if ("code" in data) == ("service_id" in data):
            raise ValidationError("Give a product code or a service id.", field_name="code")
        if "code" in data and data.get("form"):
            raise ValidationError("Only services have forms.", field_name="form")


class QuantityChange(Schema):
    quantity = fields.Integer(required=True, validate=QUANTITY, strict=True)


class CartLine(Schema):
    id = fields.String()
    kind = fields.String()
    reference = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    unit_price = MoneyOf("unit_price")
    vat_rate = fields.Decimal(as_string=True)
    form = fields.Dict(allow_none=True)
    stale = fields.Boolean(metadata={"description": "The catalog price now differs: refresh prices."})
    catalog_price = MoneyOf("catalog_price", allow_none=True)
    unavailable = fields.Boolean()
    quoted = fields.Boolean(metadata={"description": "Priced by an accepted quote: its quantity cannot change."})


class Totals(Schema):
    net = MoneyOf("net")
    vat = MoneyOf("vat")
    shipping = MoneyOf("shipping")
    total = MoneyOf("total")


class Cart(Schema):
    id = fields.String()
    name = fields.String()
    note = fields.String()
    status = fields.String()
    lines = fields.List(fields.Nested(CartLine))
    has_stale_prices = fields.Function(lambda c: any(l.stale for l in c.lines), metadata={"type": "boolean"})
    totals = Dumped(Totals, lambda c: c.totals())
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


CartPage = PageOf(Cart, "CartPage")


class AddedItem(Schema):
    cart = fields.Nested(Cart)
    line_id = fields.String()


class PriceChange(Schema):
    line_id = fields.String()
    reference = fields.String()
    name = fields.String()
    old_price = fields.Decimal(as_string=True)
    new_price = fields.Decimal(as_string=True)
    currency = fields.String()


class RefreshResult(Schema):
    cart = fields.Nested(Cart)
    changes = fields.List(fields.Nested(PriceChange))


class CheckoutPreview(Schema):
    cart = fields.Nested(Cart)
    totals = Dumped(Totals, lambda p: p["totals"])
    ready = fields.Boolean()


class Checkout(Schema):
    billing = fields.Nested(Billing, load_default=None, allow_none=True,
                            metadata={"description": "Defaults to the billing data of the account."})
    shipping_address = fields.Nested(PostalAddress, required=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(("bank_transfer", "cash_on_delivery")))
    idempotency_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=8, max=100))


class OrderLine(Schema):
    position = fields.Integer()
    kind = fields.String()
    reference = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Function(lambda l: str(l.unit_price), metadata={"type": "string", "format": "decimal"})
    vat_rate = fields.Decimal(as_string=True)
    net_amount = fields.Decimal(as_string=True)
    vat_amount = fields.Decimal(as_string=True)
    form = fields.Dict(allow_none=True)


class StatusChange(Schema):
    status = fields.String()
    at = fields.AwareDateTime()
    note = fields.String(allow_none=True)


class OrderSummary(Schema):
    number = fields.String()
    status = fields.String()
    customer_status = fields.String()
    payment_status = fields.String()
    total = MoneyOf("total")
    placed_at = fields.AwareDateTime()


class Order(OrderSummary):
    payment_method = fields.String()
    payment_instructions = fields.String(allow_none=True)
    carrier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    currency = fields.String()
    net_total = fields.Decimal(as_string=True)
    vat_total = fields.Decimal(as_string=True)
    shipping_total = fields.Decimal(as_string=True)
    billing = fields.Dict()
    shipping_address = fields.Dict()
    lines = fields.List(fields.Nested(OrderLine))
    history = fields.List(fields.Nested(StatusChange))
    delivered_at = fields.AwareDateTime(allow_none=True)
    paid = MoneyOf("paid", places=2, metadata={"description": "What the recorded payments add up to."})


ORDER_STATUSES = ("placed", "processing", "fulfilled", "delivered", "cancelled")


class OrderQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(ORDER_STATUSES))


class StaffOrderQuery(OrderQuery):
    """What staff look orders up by; the filters combine (all must match)."""

    number = fields.String(load_default=None, validate=validate.Regexp(r"^ORD-\d{4}-\d{6,}$"), metadata={
        "description": "One order number, e.g. ORD-2026-000042."})
    customer_number = fields.String(load_default=None, validate=validate.Regexp(r"^CUS-\d{6,}$"), metadata={
        "description": "The orders the customer placed (CUS-000042); an unknown number lists none."})
    placed_from = fields.Date(load_default=None, metadata={
        "description": "Placed on or after this day (ISO date, UTC)."})
    placed_to = fields.Date(load_default=None, metadata={
        "description": "Placed on or before this day (ISO date, UTC); not before placed_from."})

    @validates_schema
    def days_in_order(self, data, **kwargs):
        if data.get("placed_from") and data.get("placed_to") and data["placed_from"] > data["placed_to"]:
            raise ValidationError("Must not be before placed_from.", field_name="placed_to")


OrderPage = PageOf(OrderSummary, "OrderPage")


class StatusCommand(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("processing", "fulfilled", "delivered", "cancelled")))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    carrier = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    tracking_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))

    @validates_schema
    def shipment_details(self, data, **kwargs):
        if data["status"] == "fulfilled" and not (data.get("carrier") and data.get("tracking_number")):
            raise ValidationError("A shipped order needs its carrier and tracking number.", field_name="carrier")


class PaymentCommand(Schema):
    amount = fields.Decimal(required=True, places=2, as_string=True, validate=amount_between(Decimal("0.01")))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


# -- quotes ----------------------------------------------------------------------------------
class QuoteItem(Schema):
    service_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    quantity = fields.Integer(load_default=1, validate=QUANTITY, strict=True)
    form = fields.Dict(keys=fields.String(), load_default=None, allow_none=True)


class QuoteRequest(Schema):
    message = fields.String(load_default="", validate=validate.Length(max=5000))


class QuoteLine(Schema):
    id = fields.String()
    service_id = fields.String()
    name = fields.String()
    form = fields.Dict()
    quantity = fields.Integer()
    unit_price = MoneyOf("unit_price", allow_none=True)
    vat_rate = fields.Decimal(as_string=True)


class Quote(Schema):
    number = fields.String(allow_none=True)
    status = fields.String()
    message = fields.String()
    staff_note = fields.String(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(QuoteLine))
    totals = Dumped(Totals, lambda q: q.totals() if q.status not in ("draft", "requested") else None, allow_none=True)
    cart_id = fields.String(allow_none=True)
    requested_at = fields.AwareDateTime(allow_none=True)
    priced_at = fields.AwareDateTime(allow_none=True)


QuotePage = PageOf(Quote, "QuotePage")


class AcceptedQuote(Schema):
    quote = fields.Nested(Quote)
    cart = fields.Nested(Cart)


class LinePrice(Schema):
    line_id = fields.String(required=True)
    unit_price = fields.Decimal(required=True, places=2, as_string=True, validate=amount_between(Decimal("0.00")))


class QuotePricing(Schema):
    lines = fields.List(fields.Nested(LinePrice), required=True, validate=validate.Length(min=1, max=500))
    valid_until = fields.Date(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class QuoteQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ("requested", "priced", "accepted", "ordered", "declined", "expired")))


# -- events ----------------------------------------------------------------------------------
class OrderLinePayload(Schema):
    position = fields.Integer(required=True)
    kind = fields.String(required=True)
    reference = fields.String(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price = fields.Nested(Money, required=True)
    vat_rate = fields.Decimal(required=True, as_string=True)


class OrderPlaced(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    company_id = fields.String(allow_none=True, load_default=None)
    customer_kind = fields.String(required=True)
    email = fields.Email(allow_none=True, load_default=None)
    payment_method = fields.String(required=True)
    total = fields.Nested(Money, required=True)
    lines = fields.List(fields.Nested(OrderLinePayload), required=True)


class OrderStatusChanged(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    previous_status = fields.String(required=True)
    status = fields.String(required=True)
    customer_status = fields.String(required=True)
    carrier = fields.String(allow_none=True, load_default=None)
    tracking_number = fields.String(allow_none=True, load_default=None)


class OrderDelivered(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    company_id = fields.String(allow_none=True, load_default=None)
    customer_kind = fields.String(required=True)
    delivered_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(OrderLinePayload), required=True)


class OrderCancelled(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class OrderPaid(EventSchema):
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    amount = fields.Nested(Money, required=True)


class ProductPriceChanged(EventSchema):
    """catalog.product_price_changed as orders reads it."""

    code = fields.String(required=True)
    new_price = fields.Nested(Money, required=True)


class QuoteRequested(EventSchema):
    quote_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    message = fields.String(required=True)
    lines = fields.List(fields.Dict(), required=True)


class QuotePriced(EventSchema):
    quote_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    email = fields.Email(required=True)
    valid_until = fields.Date(required=True)
    total = fields.Nested(Money, required=True)


class ClaimLine(Schema):
    """An order line an RMA covers, as returns names it: orders checks it against what it sold."""

    class Meta:
        unknown = EXCLUDE  # returns also sends the name and the price it knows: orders uses its own

    position = fields.Integer(required=True)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    quantity = fields.Integer(required=True, validate=QUANTITY)


CLAIM_LINES = validate.Length(min=1, max=500)


class RmaClaim(EventSchema):
    """What every returns request that moves money or goods carries: the RMA (its key) and the lines."""

    rma_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    order_number = fields.String(required=True)
    lines = fields.List(fields.Nested(ClaimLine), required=True, validate=CLAIM_LINES)


class RefundRequested(RmaClaim):
    """returns.refund_requested as orders reads it."""

    amount = fields.Nested(Money, required=True)


class CreditRequested(RefundRequested):
    """returns.credit_requested as orders reads it: the commercial offer's amount, for the lines of the RMA."""


class ReplacementRequested(RmaClaim):
    """returns.replacement_requested as orders reads it."""

    shipping_address = fields.Nested(PostalAddress, required=True)


EVENT_SCHEMAS = {
    "quote_requested": QuoteRequested,
    "quote_priced": QuotePriced,
    "order_placed": OrderPlaced,
    "order_status_changed": OrderStatusChanged,
    "order_delivered": OrderDelivered,
    "order_cancelled": OrderCancelled,
    "order_paid": OrderPaid,
}
