"""Two processes deliver one order at the same moment, on the same database (REVIEW R4): the second
must wait for the first and then be refused, on SQLite too (``sportello run --instances 2`` runs two
processes per service on one SQLite file, and SQLite has no FOR UPDATE: services/chassis/row_locks.py).

This process moves the order and holds its transaction open; a second Python process (its own engine,
as a second instance has) then tries the same, and only afterwards does the first commit. Two OS
processes because SQLite's busy wait blocks the whole process it runs in.
"""
from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal

from sqlalchemy.orm import sessionmaker

from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from services.orders.domain.model import Cart, CartLine, Order
from services.orders.schemas import EVENT_SCHEMAS
from services.orders.usecases.orders import change_status, staff_order
from tests.orders.conftest import BILLING, SHIPPING

SECOND_INSTANCE = """
import sys
from sqlalchemy.orm import sessionmaker
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.orders.adapters import orm  # noqa: F401  (maps the domain classes)
from services.orders.domain.errors import IllegalTransition
from services.orders.schemas import EVENT_SCHEMAS
from services.orders.usecases.orders import change_status

uow = UnitOfWork(sessionmaker(make_engine(sys.argv[1]), expire_on_commit=False), EVENT_SCHEMAS)
print("ready", flush=True)
try:
    change_status(uow, sys.argv[2], {"status": "delivered"}, utcnow)
    print("200")
except IllegalTransition:
    print("409")
"""


def shipped_order(sessions) -> str:
    now = utcnow()
    cart = Cart("customer-1", None, "Officina", "", now)
    cart.add(CartLine("product", "SAW-01", "Handsäge", 2, Decimal("12.50"), "EUR", Decimal("22.00")), now)
    order = Order.place(cart, now, number="ORD-2026-000001", customer_kind="private", billing=BILLING,
                        shipping_address=SHIPPING, payment_method="bank_transfer", idempotency_key=None)
    order.move_to("processing", now)
    order.move_to("fulfilled", now, carrier="BRT", tracking_number="T-1")
    with sessions() as session, session.begin():
        session.add_all([cart, order])
    return order.number


def test_a_second_process_delivering_the_same_order_waits_and_is_refused(databases):
    url = databases.url("orders")
    upgrade("orders", url)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    number = shipped_order(sessions)

    first = UnitOfWork(sessions, EVENT_SCHEMAS)
    order = staff_order(first, number, lock=True)
    order.move_to("delivered", utcnow())
    first.session.flush()  # written, not committed: the first instance is between its write and its commit
    second = subprocess.Popen([sys.executable, "-c", SECOND_INSTANCE, url, number], stdout=subprocess.PIPE, text=True)
    try:
        assert second.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # the second has read the order (or is waiting to) by now
        first.commit()
        answer = second.communicate(timeout=60)[0].strip()
    finally:
        second.kill()
        first.close()

    assert answer == "409", "the second instance delivered the order again"
    check = UnitOfWork(sessions, EVENT_SCHEMAS)
    assert [h.status for h in staff_order(check, number).history].count("delivered") == 1
    check.close()
    engine.dispose()
