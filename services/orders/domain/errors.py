"""Orders' domain errors (each subclasses a chassis category; the gateway maps categories to HTTP)."""
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound


class CartNotFound(NotFound):
    problem = "cart-not-found"
    title = "No such cart."


class LineNotFound(NotFound):
    problem = "cart-line-not-found"
    title = "No such line in this cart."


class OrderNotFound(NotFound):
    problem = "order-not-found"
    title = "No such order."


class QuoteNotFound(NotFound):
    problem = "quote-not-found"
    title = "No such quote."


class CartPurchased(Conflict):
    problem = "cart-purchased"
    title = "This cart was purchased: it can only be viewed."


class PricesChanged(Conflict):
    problem = "prices-changed"
    title = "Some prices changed since they were added. Refresh the prices and check the cart again."


class LinesUnavailable(Conflict):
    problem = "lines-unavailable"
    title = "Some products are no longer sold. Remove them to continue."


class EmptyCart(Conflict):
    problem = "cart-empty"
    title = "The cart is empty."


class CurrencyMismatch(Conflict):
    problem = "currency-mismatch"
    title = "A cart holds prices in one currency only."


class IllegalTransition(Conflict):
    problem = "illegal-status-change"
    title = "The order cannot move to that status from its current one."


class QuotedQuantityFixed(Conflict):
    problem = "quoted-quantity-fixed"
    title = "This line was priced by a quote for its quantity."


class BuyingNotAllowed(Forbidden):
    problem = "buying-not-allowed"
    title = "Your role in the company may view but not order."


class BillingMissing(Invalid):
    problem = "billing-data-missing"
    title = "Billing data is needed to place an order."


class ProductUnavailable(Invalid):
    problem = "product-unavailable"
    title = "This product cannot be bought."


class ClaimRefused(Conflict):
    """What returns asked for (refund, credit, replacement) is not covered by the order as orders knows it."""

    problem = "return-claim-refused"
    title = "The order does not cover what the return asks for."
