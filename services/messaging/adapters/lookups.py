"""What the desk asks other services, on behalf of the caller.

The caller's signed identity is in the worker context, and nameko sends the
context with every RPC call: accounts answers with the caller's own profile,
and orders (returns) checks the caller's access to the order (the RMA)
exactly as it does for the customer area: another customer's order or RMA is
NotFound, and so a 404.
"""
from __future__ import annotations

from services.chassis.rpc import call
from services.messaging.domain.threads import Contact


class AccountsClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def contact(self) -> Contact:
        me = call(self.proxy, "get_me")
        return Contact(email=me.get("email") or None, language=me.get("language") or None)


class OrdersClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def check_order(self, number: str) -> None:
        """Raises NotFound unless the caller may see the order (their own, or their company's)."""
        call(self.proxy, "get_order", number)


class ReturnsClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def check_rma(self, number: str) -> None:
        """Raises NotFound unless the caller may see the RMA (their own, or their company's)."""
        call(self.proxy, "get_rma", number)


class References:
    """What a thread can be about, checked with the caller's access: an order, or an RMA."""

    def __init__(self, orders: OrdersClient, returns: ReturnsClient):
        self.orders = orders
        self.returns = returns

    def check_order(self, number: str) -> None:
        self.orders.check_order(number)

    def check_rma(self, number: str) -> None:
        self.returns.check_rma(number)
