"""Orders as the customer sees them, and as staff move them along."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.chassis.paging import envelope
from services.orders.adapters.repositories import Orders
from services.orders.domain.access import may_see_order
from services.orders.domain.errors import OrderNotFound
from services.orders.domain.model import Order


def list_orders(uow, caller: Identity, query: dict) -> dict:
    return Orders(uow.session).visible(caller.customer_id, caller.company_id, query)


def get_order(uow, caller: Identity, number: str) -> Order:
    order = Orders(uow.session).by_number(number)
    if order is None or not may_see_order(order, caller.customer_id, caller.company_id):
        raise OrderNotFound("No such order.")  # 404 also for other people's orders: nothing leaks
    return order


def staff_list_orders(uow, query: dict, accounts) -> dict:
    """``accounts`` tells whose a customer number is; an unknown number lists no order."""
    if query.get("customer_number"):
        owner_id = accounts.customer_id(query["customer_number"])
        if owner_id is None:
            return envelope([], 0, query["page"], query["per_page"])
        query = {**query, "owner_id": owner_id}
    return Orders(uow.session).matching([], query)


def staff_order(uow, number: str, lock: bool = False) -> Order:
    """``lock`` for a change: two staff (two replicas) moving one order take turns (REVIEW R4)."""
    order = Orders(uow.session).by_number(number, lock=lock)
    if order is None:
        raise OrderNotFound("No such order.")
    return order


def change_status(uow, number: str, command: dict, clock) -> Order:
    order = staff_order(uow, number, lock=True)
    order.move_to(command["status"], clock(), note=command.get("note"), carrier=command.get("carrier"),
                  tracking_number=command.get("tracking_number"))
    uow.commit()
    return order


def record_payment(uow, number: str, command: dict, clock) -> Order:
    order = staff_order(uow, number, lock=True)
    order.record_payment(command["amount"], command.get("reference"), clock())
    uow.commit()
    return order


def delivered_order(uow, number: str) -> dict:
    """internal_delivered_order: what orders confirms to returns before it opens a return window.

    The same facts as the order_delivered event (one definition, Order.delivery_facts), so that
    returns can hold an event it was given against what orders really delivered.
    """
    order = Orders(uow.session).by_number(number)
    if order is None or order.status != "delivered":
        raise OrderNotFound("No delivered order with this number.")
    return order.delivery_facts()
