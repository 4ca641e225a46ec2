"""The catalog service's domain errors (each subclasses a chassis category)."""
from services.chassis.errors import Conflict, Invalid, NotFound


class ProductNotFound(NotFound):
    problem = "product-not-found"
    title = "There is no product with this article code."


class ServiceNotFound(NotFound):
    problem = "service-not-found"
    title = "There is no such service."


class CodeAlreadyUsed(Conflict):
    problem = "article-code-taken"
    title = "Another product already has this article code."


class InvalidPricing(Invalid):
    """A fixed-price service without a price, or a service on quote with one."""

    problem = "invalid-pricing"
    title = "The pricing of this service is not consistent."


class InvalidOrderForm(Invalid):
    """A service's order form that cannot be filled (duplicate names, a choice without choices...)."""

    problem = "invalid-order-form"
    title = "The order form definition is not valid."


class FormNotFilledIn(Invalid):
    """A customer's filled-in order form does not satisfy the service's form."""

    problem = "order-form-invalid"
    title = "Some fields of the order form are missing or wrong."


class ServiceNotOffered(Conflict):
    problem = "service-not-offered"
    title = "This service is no longer offered."
