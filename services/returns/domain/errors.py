"""Returns' domain errors (each subclasses a chassis category; the gateway maps categories to HTTP)."""
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited


class OrderNotFound(NotFound):
    problem = "order-not-found"
    title = "No delivered order with this number."


class RmaNotFound(NotFound):
    problem = "rma-not-found"
    title = "No such return."


class AttachmentNotFound(NotFound):
    problem = "attachment-not-found"
    title = "No such attachment."


class WindowClosed(Invalid):
    # 422, as the issue asks: the request is well formed but can no longer be granted.
    problem = "return-window-closed"
    title = "The return window of this order has closed."


class LineNotInOrder(Invalid):
    problem = "line-not-in-order"
    title = "A line is not part of this order."


class LineNotReturnable(Invalid):
    problem = "line-not-returnable"
    title = "Services are not returned; ask the shop through the order's messages."


class QuantityExceeded(Invalid):
    problem = "quantity-exceeds-returnable"
    title = "More than is still returnable on this order."


class RequestTypeNotAllowed(Invalid):
    problem = "request-type-not-allowed"
    title = "This kind of return is not available for your customer profile."


class InvoiceNumberMismatch(Invalid):
    problem = "invoice-number-mismatch"
    title = "The invoice number does not belong to this order."


class AttachmentRejected(Invalid):
    problem = "attachment-rejected"
    title = "The file cannot be attached."


class ReturnNotAllowed(Forbidden):
    problem = "return-not-allowed"
    title = "Your role in the company may view returns but not request them."


class IllegalTransition(Conflict):
    problem = "illegal-rma-transition"
    title = "The return cannot make this step from its current status."


class LabelNotAvailable(Conflict):
    problem = "label-not-available"
    title = "A return label exists only for an approved return."


class TooManyAttachments(Invalid):
    problem = "too-many-attachments"
    title = "This return has as many attachments as it may have."


class AttachmentQuotaExceeded(RateLimited):
    problem = "attachment-quota-exceeded"
    title = "You have uploaded as many files as you may for now."
