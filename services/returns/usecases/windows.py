"""Delivered orders and their return windows: kept from orders.order_delivered, never read from orders."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.returns.adapters.repositories import DeliveredOrders, Rmas
from services.returns.domain import policies
from services.returns.domain.orders import DeliveredOrder


def record_delivery(uow, event: dict, policy: policies.ReturnPolicy, clock) -> DeliveredOrder:
    """Open the return window of a delivered order, once per order.

    The inbox already drops a redelivered event (same event_id); an order
    delivered twice under different event ids keeps its first window.
    A concurrent duplicate fails its commit on the unique order number and
    is retried by the consumer, which then finds this row.
    """
    orders = DeliveredOrders(uow.session)
    order = orders.by_number(event["order_number"])
    if order is None:
        order = DeliveredOrder.from_event(event, policy, clock())
        orders.add(order)
    uow.commit()  # also commits the inbox row of a repeat
    return order


def eligible_orders(uow, caller: Identity, policy: policies.ReturnPolicy, clock) -> list[dict]:
    """The caller's (and their company's) orders still in the window, with what can still go back."""
    orders = DeliveredOrders(uow.session).open_windows(caller.customer_id, caller.company_id, clock())
    held = Rmas(uow.session).held_quantities([o.id for o in orders])
    found = []
    for order in orders:
        returnable = order.returnable(held[order.id])
        lines = [{"position": l.position, "reference": l.reference, "name": l.name, "delivered_quantity": l.quantity,
                  "returnable_quantity": returnable[l.position],
                  "unit_price": {"amount": l.unit_price, "currency": l.currency}, "vat_rate": l.vat_rate}
                 for l in order.lines if returnable.get(l.position)]
        if lines:
            found.append({"order_number": order.order_number, "customer_kind": order.customer_kind,
                          "delivered_at": order.delivered_at, "window_closes_at": order.window_closes_at,
                          "request_types": policies.allowed_request_types(order.customer_kind, policy),
                          "lines": lines})
    return found
