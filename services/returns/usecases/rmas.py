"""Opening a return, and reading returns as the customer and as staff see them."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.chassis.idempotency import forget_caller
from services.returns.adapters.repositories import DeliveredOrders, Rmas
from services.returns.domain import policies
from services.returns.domain.errors import OrderNotFound
from services.returns.domain.model import Rma
from services.chassis.paging import page_envelope
from services.returns.usecases.access import ensure_may_return, staff_rma, visible_rma


def create_rma(uow, caller: Identity, command: dict, accounts, policy: policies.ReturnPolicy, clock) -> Rma:
    """Open a return; nothing is written on any refusal. (A retry with the same Idempotency-Key gets
    this RMA again from services/chassis/idempotency.py, which the RPC method runs this under.)"""
    ensure_may_return(caller)
    rmas = Rmas(uow.session)
    email = accounts.contact_email()  # asked before the transaction: no lock held across an RPC
    order = DeliveredOrders(uow.session).by_number(command["order_number"], lock=True)
    if order is None or not order.visible_to(caller.customer_id, caller.company_id):
        raise OrderNotFound("No delivered order with this number.")  # also for other people's orders
    now = clock()
    held = rmas.held_quantities([order.id])[order.id]
    rma = Rma.open(order, held, command, number=rmas.next_number(now.year), customer_id=caller.customer_id,
                   company_id=caller.company_id, contact_email=email, policy=policy, now=now)
    rmas.add(rma)
    uow.commit()
    return rma


def list_rmas(uow, caller: Identity, query: dict) -> dict:
    rows, total = Rmas(uow.session).visible(caller.customer_id, caller.company_id, query.get("status"),
                                            query["page"], query["per_page"])
    return page_envelope(rows, total, query)


def get_rma(uow, caller: Identity, number: str) -> Rma:
    return visible_rma(uow, caller, number)


def staff_list_rmas(uow, query: dict, clock) -> dict:
    rows, total = Rmas(uow.session).queue(query.get("status"), clock() if query.get("overdue") else None,
                                          query["page"], query["per_page"])
    return page_envelope(rows, total, query)


def staff_get_rma(uow, number: str) -> Rma:
    return staff_rma(uow, number, lock=False)


def erase_customer(uow, event: dict, store) -> int:
    """accounts.customer_erased: anonymise the customer's returns and delete their attachment files.

    The files go first, the rows with the commit: if a delete fails, nothing is committed
    (the inbox row neither), the consumer retries, and the retry finds the same rows, skips
    the files already gone (deleting a missing file is no error) and finishes. Committing
    first would mark the event handled and leave the rest of the photos for ever. Until the
    commit, a row may point at a deleted file for a moment: the customer asked for it gone.
    """
    stored = [name for rma in Rmas(uow.session).of_customer(event["customer_id"]) for name in rma.erase_personal_data()]
    for name in stored:
        store.discard(name)
    forget_caller(uow.session, event["customer_id"])  # answers kept for Idempotency-Key retries
    uow.commit()
    return len(stored)
