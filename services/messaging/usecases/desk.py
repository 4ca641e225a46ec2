"""The customer's side of the desk: open a thread, the overview, read, reply, an order's or RMA's channel.

Threads are the caller's own: the customer id comes from the signed identity,
never from the request, and another customer's thread is "not found" (404),
exactly like a thread that does not exist, so nothing leaks.

Calls to other services (accounts for the address to mail, orders or returns
to check an order or RMA is the caller's; ``refs`` is
``adapters.lookups.References``) are made before the first query: no transaction, and
on SQLite no connection, is held while another service is asked.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.chassis.auth import Identity
from services.chassis.domain import Clock
from services.messaging.adapters.contacts import Contacts
from services.messaging.adapters.threads import Threads
from services.messaging.domain.errors import CustomersOnly, ThreadNotFound
from services.messaging.domain.threads import CLOSED, GENERAL, ORDER, RMA, Contact, Thread
from services.chassis.paging import page_envelope
from services.messaging.usecases.common import desk_alerts


def open_thread(uow, caller: Identity, command: dict, accounts, refs, settings, clock: Clock) -> Thread:
    """A new thread; with an order or RMA context, the message goes to that context's channel."""
    _customer(caller)
    context = command.get("context") or {}
    context_type, ref = context.get("type", GENERAL), context.get("ref")
    _check_reference(refs, context_type, ref)  # NotFound unless it is the caller's: the problem goes back as a 404
    contact = accounts.contact()
    if context_type != GENERAL:
        return _write_to_channel(uow, caller, context_type, ref, command["body"], contact, settings, clock)
    now = clock()
    thread, message, alerts = Thread.open(caller.customer_id, command["body"], contact, now,
                                          max_chars=settings.max_chars, response_hours=settings.response_hours)
    Threads(uow.session).add(thread)
    _after_writing(uow, caller, thread, message, alerts, contact, settings, now)
    return thread


def list_threads(uow, caller: Identity, query: dict) -> dict:
    _customer(caller)
    rows, total = Threads(uow.session).customer_page(caller.customer_id, query["page"], query["per_page"])
    return page_envelope(rows, total, query)


def read_thread(uow, caller: Identity, thread_id: str) -> Thread:
    """The thread with its messages; reading it marks the staff replies read."""
    thread = _own(uow, caller, thread_id)
    thread.read_by_customer()
    uow.commit()
    return thread


def reply(uow, caller: Identity, thread_id: str, command: dict, accounts, settings, clock: Clock) -> Thread:
    contact = accounts.contact()
    thread = _own(uow, caller, thread_id)
    now = clock()
    message, alerts = thread.customer_writes(command["body"], contact, now, settings.max_chars)
    _after_writing(uow, caller, thread, message, alerts, contact, settings, now)
    return thread


def order_channel(uow, caller: Identity, number: str, refs) -> dict:
    """The caller's thread about one of their orders (None until someone writes); reading marks it read."""
    return {"order_number": number, "thread": _channel(uow, caller, ORDER, number, refs)}


def write_about_order(uow, caller: Identity, number: str, command: dict, accounts, refs, settings,
                      clock: Clock) -> Thread:
    command = {"body": command["body"], "context": {"type": ORDER, "ref": number}}
    return open_thread(uow, caller, command, accounts, refs, settings, clock)


def rma_channel(uow, caller: Identity, number: str, refs) -> dict:
    """The caller's thread about one of their RMAs (None until someone writes); reading marks it read."""
    return {"rma_number": number, "thread": _channel(uow, caller, RMA, number, refs)}


def write_about_rma(uow, caller: Identity, number: str, command: dict, accounts, refs, settings,
                    clock: Clock) -> Thread:
    command = {"body": command["body"], "context": {"type": RMA, "ref": number}}
    return open_thread(uow, caller, command, accounts, refs, settings, clock)


# -- helpers ---------------------------------------------------------------------------------
def _check_reference(refs, context_type: str, ref: str | None) -> None:
    """Ask the service that owns the order or RMA whether the caller may see it (NotFound if not)."""
    if context_type == ORDER:
        refs.check_order(ref)
    elif context_type == RMA:
        refs.check_rma(ref)


def _channel(uow, caller: Identity, context_type: str, ref: str, refs) -> Thread | None:
    _customer(caller)
    _check_reference(refs, context_type, ref)
    thread = Threads(uow.session).channel(caller.customer_id, context_type, ref, lock=True)
    if thread is not None:
        thread.read_by_customer()
        uow.commit()
    return thread


def _customer(caller: Identity) -> None:
    if caller.is_staff:
        raise CustomersOnly("Staff answer threads from the staff inbox.")


def _own(uow, caller: Identity, thread_id: str) -> Thread:
    _customer(caller)
    thread = Threads(uow.session).get(thread_id, lock=True)
    if thread is None or thread.customer_id != caller.customer_id:
        raise ThreadNotFound("No such thread.")
    return thread


def _write_to_channel(uow, caller: Identity, context_type: str, ref: str, body: str, contact: Contact,
                      settings, clock: Clock) -> Thread:
    """Continue the open thread of this order/RMA, or open it. The partial unique index lets only
    one first message open it; the one that loses the race retries and continues it."""
    retried = False
    while True:
        now = clock()
        thread = Threads(uow.session).channel(caller.customer_id, context_type, ref, lock=True)
        if thread is not None and thread.status != CLOSED:
            message, alerts = thread.customer_writes(body, contact, now, settings.max_chars)
        else:  # none yet, or the last one was closed: a closed thread stays closed, a new one starts
            thread, message, alerts = Thread.open(caller.customer_id, body, contact, now, context_type, ref,
                                                  settings.max_chars, settings.response_hours)
            Threads(uow.session).add(thread)
        try:
            _after_writing(uow, caller, thread, message, alerts, contact, settings, now)
            return thread
        except IntegrityError:
            uow.rollback()
            if retried:
                raise
            retried = True


def _after_writing(uow, caller: Identity, thread: Thread, message, alerts, contact: Contact, settings,
                   now) -> None:
    desk_alerts(uow.session, thread, message, alerts, settings, now)
    Contacts(uow.session).remember_language(caller.customer_id, contact.language, now)
    uow.commit()
