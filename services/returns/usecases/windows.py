"""Delivered orders and their return windows: kept from orders.order_delivered, as orders confirms it."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.chassis.paging import page_of_list
from services.chassis.events import EventRejected
from services.returns.adapters.repositories import DeliveredOrders, Rmas
from services.returns.domain import policies
from services.returns.domain.orders import DeliveredOrder, delivery_mismatches


def confirm_delivery(event: dict, orders) -> dict:
    """Orders' own record of the delivery ``event`` announces; EventRejected when orders does not confirm it.

    Anyone who may publish to ``orders.events`` could announce a delivery: of an order that does
    not exist, to another customer, with more pieces. Returns opens windows only on what orders
    answers itself (asked before the inbox transaction: ``consume(confirm=...)``).
    """
    number = event["order_number"]
    confirmed = orders.delivered_order(number)
    if confirmed is None:
        raise EventRejected(f"orders has no delivered order {number}: no return window opened")
    wrong = delivery_mismatches(event, confirmed)
    if wrong:
        raise EventRejected(f"order_delivered for {number} differs from what orders delivered "
                            f"({', '.join(wrong)}): no return window opened")
    return confirmed


def record_delivery(uow, delivered: dict, policy: policies.ReturnPolicy, clock) -> DeliveredOrder:
    """Open the return window of a delivered order (``delivered``: as orders confirmed it), once per order.

    The inbox already drops a redelivered event (same event_id); an order
    delivered twice under different event ids keeps its first window.
    A concurrent duplicate fails its commit on the unique order number and
    is retried by the consumer, which then finds this row.
    """
    orders = DeliveredOrders(uow.session)
    order = orders.by_number(delivered["order_number"])
    if order is None:
        order = DeliveredOrder.from_event(delivered, policy, clock())
        orders.add(order)
    uow.commit()  # also commits the inbox row of a repeat
    return order


def eligible_orders(uow, caller: Identity, query: dict, policy: policies.ReturnPolicy, clock) -> dict:
    """A page of the caller's (and their company's) orders still in the window, with what can still go back.

    Paged in memory: whether anything of an order can still go back is known only after reading its
    lines and held quantities, and open windows are the deliveries of a few weeks."""
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
    return page_of_list(found, query)
