"""What the desk asks other services, on behalf of the caller.

The caller's signed identity is in the worker context, and nameko sends the
context with every RPC call: accounts answers with the caller's own profile,
and orders checks the caller's access to the order exactly as it does for
the customer area (another customer's order is NotFound, and so a 404).
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
