"""The returns service's wire contracts: RPC in/out (the gateway validates with them) and event payloads."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.chassis.events import EventSchema, Money, MoneyOf, PostalAddress
from services.chassis.paging import PageOf, PageQuery

REQUEST_TYPES = ("standard_warranty", "advanced_warranty", "convenience", "shipping_error")
STATUSES = ("submitted", "approved", "info_requested", "rejected", "offered", "shipped", "received", "accepted",
            "refused", "resolved", "returned_to_customer", "closed")
TEXT = validate.Length(max=2000)
REQUIRED_TEXT = validate.Length(min=1, max=2000)
MESSAGE = validate.Length(min=1, max=5000)


# -- requests -----------------------------------------------------------------------------
class NewRmaLine(Schema):
    position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                              metadata={"description": "The order line (its position) to return."})
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=9999))
    justification = fields.String(required=True, validate=REQUIRED_TEXT)
    note = fields.String(load_default="", validate=TEXT)
    seal_state = fields.String(required=True, validate=validate.OneOf(("intact", "broken", "absent")),
                               metadata={"description": "The manufacturer's seal."})
    usage_condition = fields.String(required=True, validate=validate.OneOf(("unused", "used", "defective",
                                                                            "damaged_in_transit")))
    exceptions = fields.String(load_default="", validate=TEXT,
                               metadata={"description": "Missing parts, accessories, packaging..."})


class NewRma(Schema):
    order_number = fields.String(required=True, validate=validate.Length(min=1, max=30))
    request_type = fields.String(required=True, validate=validate.OneOf(REQUEST_TYPES))
    invoice_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                                   metadata={"description": "Checked against the order: the shop invoices each "
                                                            "order under its order number (ORD-...)."})
    lines = fields.List(fields.Nested(NewRmaLine), required=True, validate=validate.Length(min=1, max=100))
    message = fields.String(required=True, validate=MESSAGE, metadata={"description": "For the agent."})
    return_address = fields.Nested(PostalAddress, required=True,
                                   metadata={"description": "Where goods go back if they turn out ineligible."})
    idempotency_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=8, max=100),
                                    metadata={"description": "Set from the Idempotency-Key header."})


class RmaQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES), metadata={
        "description": "Only returns in this state (any of the twelve)."})


class StaffRmaQuery(RmaQuery):
    overdue = fields.Boolean(load_default=False, metadata={"description": "Only submitted returns past their "
                                                                         "review deadline."})


class Offer(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("discount", "voucher")))
    amount = fields.Nested(Money, required=True)
    description = fields.String(load_default="", validate=TEXT)

    @validates_schema
    def positive_amount(self, data, **kwargs):
        if not 0 < data["amount"]["amount"] <= 10_000_000:
            raise ValidationError("From 0.01 to 10,000,000.", field_name="amount")


class Review(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "request_info", "reject", "offer")))
    message = fields.String(required=True, validate=MESSAGE)
    offer = fields.Nested(Offer, load_default=None, allow_none=True,
                          metadata={"description": "The commercial resolution, for decision offer."})

    @validates_schema
    def offer_with_offer(self, data, **kwargs):
        if (data["decision"] == "offer") != (data.get("offer") is not None):
            raise ValidationError("An offer goes with decision offer, and only with it.", field_name="offer")


class OfferAnswer(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "decline")))
    message = fields.String(load_default="", validate=TEXT)


class Resubmission(Schema):
    message = fields.String(required=True, validate=MESSAGE, metadata={"description": "The details asked for."})


class Shipment(Schema):
    carrier = fields.String(required=True, validate=validate.Length(min=1, max=100))
    tracking_number = fields.String(required=True, validate=validate.Length(min=1, max=100))


class Receipt(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "refuse")))
    note = fields.String(load_default="", validate=TEXT)


class StaffNote(Schema):
    note = fields.String(load_default="", validate=TEXT)


class ReturnShipment(Shipment):
    note = fields.String(load_default="", validate=TEXT)


class Upload(Schema):
    """An attachment as the gateway forwards it (multipart on HTTP, base64 on the RPC wire)."""

    filename = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    data = fields.String(required=True, metadata={"description": "base64"})


# -- answers -----------------------------------------------------------------------------------
class EligibleLine(Schema):
    position = fields.Integer()
    reference = fields.String()
    name = fields.String()
    delivered_quantity = fields.Integer()
    returnable_quantity = fields.Integer()
    unit_price = fields.Nested(Money)
    vat_rate = fields.Decimal(as_string=True)


class EligibleOrder(Schema):
    order_number = fields.String()
    customer_kind = fields.String()
    delivered_at = fields.AwareDateTime()
    window_closes_at = fields.AwareDateTime()
    request_types = fields.List(fields.String(), metadata={"description": "The kinds of return this order allows."})
    lines = fields.List(fields.Nested(EligibleLine))


EligibleOrderPage = PageOf(EligibleOrder, "EligibleOrderPage")


class EligibleOrderQuery(PageQuery):
    """A page of my orders still in their return window, delivered last first."""


class RmaLine(Schema):
    position = fields.Integer()
    reference = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    unit_price = MoneyOf("unit_price")
    justification = fields.String()
    note = fields.String()
    seal_state = fields.String()
    usage_condition = fields.String()
    exceptions = fields.String()


class TimelineEntry(Schema):
    status = fields.String()
    at = fields.AwareDateTime()
    actor = fields.String(metadata={"enum": ["customer", "staff"]})
    note = fields.String(allow_none=True)


class AttachmentInfo(Schema):
    id = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.AwareDateTime()


class AsOf(Schema):
    """A schema that dumps "as of" a time, given by the service's clock (is the review overdue?)."""

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now


class RmaSummary(AsOf):
    number = fields.String()
    order_number = fields.String()
    request_type = fields.String()
    status = fields.String()
    review_deadline = fields.AwareDateTime()
    overdue = fields.Method("is_overdue", metadata={"type": "boolean",
                                                    "description": "Submitted and past its review deadline."})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()

    def is_overdue(self, rma) -> bool:
        return self.now is not None and rma.overdue(self.now)


class Rma(RmaSummary):
    resolution = fields.String(metadata={"enum": ["refund", "replacement", "commercial"]})
    message = fields.String()
    invoice_number = fields.String(allow_none=True)
    return_address = fields.Dict()
    offer = fields.Dict(allow_none=True)
    label_available = fields.Boolean()
    label_prepaid = fields.Boolean(metadata={"description": "False: return for convenience, at the customer's cost."})
    refund_due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "48 h after acceptance."})
    carrier = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    return_carrier = fields.String(allow_none=True)
    return_tracking_number = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(RmaLine))
    timeline = fields.List(fields.Nested(TimelineEntry))
    attachments = fields.List(fields.Nested(AttachmentInfo))


class RmaPage(AsOf, PageOf(RmaSummary, "RmaSummaryPage")):
    """The envelope of RmaSummary objects, dumped as of ``now`` (each one's ``overdue``)."""

    def dump(self, obj, *, many=None):
        page = super().dump({**obj, "items": []}, many=many)
        page["items"] = RmaSummary(many=True, now=self.now).dump(obj["items"])
        return page


class File(Schema):
    """A file on the RPC wire: the gateway serves it as a download, never inline."""

    filename = fields.String()
    content_type = fields.String()
    data = fields.String(metadata={"description": "base64"})


# -- events: orders.order_delivered as returns reads it ----------------------------------------
class DeliveredLinePayload(Schema):
    position = fields.Integer(required=True)
    kind = fields.String(required=True)
    reference = fields.String(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price = fields.Nested(Money, required=True)
    vat_rate = fields.Decimal(required=True, as_string=True)


class DeliveredOrder(Schema):
    """A delivered order as orders confirms it when returns asks (orders.internal_delivered_order)."""

    class Meta:
        unknown = EXCLUDE

    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    company_id = fields.String(allow_none=True, load_default=None)
    customer_kind = fields.String(required=True)
    delivered_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(DeliveredLinePayload), required=True)


class OrderDelivered(DeliveredOrder, EventSchema):
    """orders.order_delivered: the same facts, in the event envelope. Returns opens no window on its
    word alone: it asks orders for the order and refuses an event that does not match."""


class CustomerErased(EventSchema):
    """accounts.customer_erased as returns reads it."""

    customer_id = fields.String(required=True)
    customer_number = fields.String(required=True)


# -- events returns publishes (docs/events.md) ---------------------------------------------------
class RmaEvent(EventSchema):
    """What every RMA event carries: enough for messaging to write the mail and orders to act."""

    rma_number = fields.String(required=True)
    order_number = fields.String(required=True)
    customer_id = fields.String(required=True)
    company_id = fields.String(allow_none=True, load_default=None)
    email = fields.Email(allow_none=True, load_default=None)
    request_type = fields.String(required=True, validate=validate.OneOf(REQUEST_TYPES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class RmaLineRef(Schema):
    position = fields.Integer(required=True)
    reference = fields.String(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)


class PricedLine(RmaLineRef):
    unit_price = fields.Nested(Money, required=True)
    vat_rate = fields.Decimal(required=True, as_string=True)


class RmaCreated(RmaEvent):
    review_deadline = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(RmaLineRef), required=True)


class RmaReviewed(RmaEvent):
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "request_info", "reject", "offer")))
    message = fields.String(required=True)
    offer = fields.Nested(Offer, allow_none=True, load_default=None)


class RmaResubmitted(RmaEvent):
    message = fields.String(required=True)
    review_deadline = fields.AwareDateTime(required=True)


class RmaOfferAnswered(RmaEvent):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "decline")))


class RmaShipped(RmaEvent):
    carrier = fields.String(required=True)
    tracking_number = fields.String(required=True)


class RmaReceived(RmaEvent):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "refuse")))
    note = fields.String(required=True)


class RefundRequested(RmaEvent):
    lines = fields.List(fields.Nested(PricedLine), required=True)
    amount = fields.Nested(Money, required=True, metadata={"description": "Gross: net plus VAT, per line."})
    due_at = fields.AwareDateTime(required=True)


class ReplacementRequested(RmaEvent):
    lines = fields.List(fields.Nested(PricedLine), required=True)
    shipping_address = fields.Nested(PostalAddress, required=True)


class CreditRequested(RmaEvent):
    kind = fields.String(required=True, validate=validate.OneOf(("discount", "voucher")))
    amount = fields.Nested(Money, required=True)
    description = fields.String(required=True)
    lines = fields.List(fields.Nested(PricedLine), required=True,
                        metadata={"description": "The lines of the return the credit is granted for."})


class RmaResolved(RmaEvent):
    resolution = fields.String(required=True, validate=validate.OneOf(("refund", "replacement", "commercial")))
    note = fields.String(required=True)


class RmaReturnedToCustomer(RmaEvent):
    carrier = fields.String(required=True)
    tracking_number = fields.String(required=True)
    address = fields.Nested(PostalAddress, required=True)


class RmaClosed(RmaEvent):
    outcome = fields.String(required=True, validate=validate.OneOf(("rejected", "resolved", "returned_to_customer")))


EVENT_SCHEMAS = {
    "rma_created": RmaCreated,
    "rma_reviewed": RmaReviewed,
    "rma_resubmitted": RmaResubmitted,
    "rma_offer_answered": RmaOfferAnswered,
    "rma_shipped": RmaShipped,
    "rma_received": RmaReceived,
    "refund_requested": RefundRequested,
    "replacement_requested": ReplacementRequested,
    "credit_requested": CreditRequested,
    "rma_resolved": RmaResolved,
    "rma_returned_to_customer": RmaReturnedToCustomer,
    "rma_closed": RmaClosed,
}
