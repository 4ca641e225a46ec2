"""The staff side of the desk: one central inbox of every thread, reply, assign, close; and the
notifications view. The service checks the staff role before calling any of these."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.chassis.domain import Clock
from services.messaging.adapters.repositories import Notifications
from services.messaging.adapters.threads import Threads
from services.messaging.domain.errors import ThreadNotFound
from services.messaging.domain.threads import StaffView, Thread
from services.chassis.paging import page_envelope
from services.messaging.usecases.common import desk_alerts

ME, NOBODY = "me", "none"


def inbox(uow, caller: Identity, query: dict, clock: Clock) -> dict:
    now, assigned = clock(), query.get("assigned")
    rows, total = Threads(uow.session).staff_page(
        now, query["page"], query["per_page"], status=query.get("status"), context=query.get("context"),
        ref=query.get("ref"), assigned=caller.customer_id if assigned == ME else assigned,
        unassigned=assigned == NOBODY, overdue=query.get("overdue"))
    return page_envelope([thread.seen_by_staff(now) for thread in rows], total, query)


def read(uow, thread_id: str, clock: Clock) -> StaffView:
    thread = _thread(uow, thread_id)
    thread.read_by_staff()
    uow.commit()
    return thread.seen_by_staff(clock())


def reply(uow, caller: Identity, thread_id: str, command: dict, settings, clock: Clock) -> StaffView:
    thread, now = _thread(uow, thread_id), clock()
    message, alerts = thread.staff_writes(caller.customer_id, command["body"], now, settings.max_chars)
    desk_alerts(uow.session, thread, message, alerts, settings, now)
    uow.commit()
    return thread.seen_by_staff(now)


def assign(uow, caller: Identity, thread_id: str, command: dict, clock: Clock) -> StaffView:
    # Any id is taken as given: messaging cannot list staff accounts (accounts has no RPC for it yet).
    staff_id = command["staff_id"]
    thread = _thread(uow, thread_id)
    thread.assign(caller.customer_id if staff_id == ME else staff_id)
    uow.commit()
    return thread.seen_by_staff(clock())


def close(uow, thread_id: str, clock: Clock) -> StaffView:
    thread, now = _thread(uow, thread_id), clock()
    thread.close(now)
    uow.commit()
    return thread.seen_by_staff(now)


def notifications(uow, query: dict) -> dict:
    rows, total = Notifications(uow.session).page(query["page"], query["per_page"], query.get("status"),
                                                  query.get("kind"))
    return page_envelope(rows, total, query)


def _thread(uow, thread_id: str) -> Thread:
    thread = Threads(uow.session).get(thread_id, lock=True)
    if thread is None:
        raise ThreadNotFound("No such thread.")
    return thread
