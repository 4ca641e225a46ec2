"""What returns asks orders: whether a delivery it was told about really happened (internal RPC)."""
from __future__ import annotations

from services.chassis.errors import NotFound
from services.chassis.rpc import call
from services.returns.schemas import DeliveredOrder


class OrdersClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def delivered_order(self, order_number: str) -> dict | None:
        """Orders' own record of a delivered order (order_delivered's facts, loaded), or None when orders has none.

        Any other failure (orders down, too slow) is raised: the event is retried later.
        """
        try:
            answer = call(self.proxy, "internal_delivered_order", order_number)
        except NotFound:
            return None
        return DeliveredOrder().load(answer)
