"""Two price events for one product handled at the same moment by two workers (PostgreSQL, where
writers run side by side): the older one must not be written over the newer one.

The newer event's transaction is held open after its write until the older one has started; the
older one must then wait for it and decide from the lines as the newer one left them. (On SQLite
one writer at a time makes the question moot; the out-of-order case through the broker is in
test_carts.py.)"""
from datetime import timedelta
from decimal import Decimal

import eventlet
import pytest
from sqlalchemy.orm import sessionmaker

from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from services.orders.domain.model import Cart, CartLine
from services.orders.schemas import EVENT_SCHEMAS
from services.orders.usecases.carts import note_price_change
from tests.support.databases import USE_POSTGRESQL

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not USE_POSTGRESQL, reason="writers side by side: runs with SPORTELLO_TEST_DB=postgresql"),
]


class HeldCommit(UnitOfWork):
    """Writes, says so, and commits only when told: a worker caught between its write and its commit."""

    def __init__(self, sessions):
        super().__init__(sessions, EVENT_SCHEMAS)
        self.written, self.go = eventlet.Event(), eventlet.Event()

    def commit(self):
        self.session.flush()
        self.written.send()
        self.go.wait()
        return super().commit()


def price_changed(new: str, occurred_at) -> dict:
    return {"code": "DRILL-18V", "new_price": {"amount": Decimal(new), "currency": "EUR"}, "occurred_at": occurred_at}


def test_an_older_price_event_handled_beside_a_newer_one_does_not_win(databases):
    url = databases.url("orders")
    upgrade("orders", url)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    added_at = utcnow()
    with sessions() as session, session.begin():
        cart = Cart("customer-1", None, "Officina", "", added_at)
        cart.add(CartLine("product", "DRILL-18V", "Trapano", 1, Decimal("89.90"), "EUR", Decimal("22.00")), added_at)
        session.add(cart)

    newer = HeldCommit(sessions)
    older = UnitOfWork(sessions, EVENT_SCHEMAS)
    try:
        handling_newer = eventlet.spawn(note_price_change, newer, price_changed("99.00", added_at + timedelta(seconds=2)))
        newer.written.wait()
        handling_older = eventlet.spawn(note_price_change, older, price_changed("95.00", added_at + timedelta(seconds=1)))
        eventlet.sleep(0.5)  # the older one has read (or is waiting to read) the lines by now
        newer.go.send()
        handling_newer.wait()
        handling_older.wait()
    finally:
        newer.close()
        older.close()

    with sessions() as session:
        [line] = session.get(Cart, cart.id).lines
        assert (line.catalog_price, line.price_seen_at) == (Decimal("99.00"), added_at + timedelta(seconds=2))
    engine.dispose()
