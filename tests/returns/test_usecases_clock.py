"""The use cases on a real returns database with a fixed clock: window edges and the review queue in time."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.chassis.auth import Identity
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.migrations import upgrade
from services.returns import schemas
from services.returns.adapters.orm import delivered_orders
from services.returns.domain.errors import WindowClosed
from services.returns.domain.policies import ReturnPolicy
from services.returns.usecases import rmas, windows
from tests.returns.conftest import LINE, RETURN_ADDRESS, delivered_payload

ROME = ZoneInfo("Europe/Rome")
ANNA = Identity(customer_id="c-anna", session_id="s1", kind="private")
POLICY = ReturnPolicy(holidays=frozenset({date(2026, 4, 6)}))  # Easter Monday


class FixedClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Accounts:
    """Stands in for the accounts RPC (another service); the use case only asks the requester's e-mail."""

    def contact_email(self) -> str:
        return "anna@example.it"


@pytest.fixture
def run(databases):
    url = databases.url("returns")
    upgrade("returns", url)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)

    def run(usecase, *args):
        uow = UnitOfWork(sessions, schemas.EVENT_SCHEMAS)
        try:
            return usecase(uow, *args)
        finally:
            uow.close()

    run.engine = engine
    yield run
    engine.dispose()


FIRST_PAGE = {"page": 1, "per_page": 20}


def deliver(run, delivered_at: datetime, order_number="ORD-2026-000001"):
    event = schemas.OrderDelivered().load(delivered_payload(ANNA.customer_id, order_number, delivered_at))
    return run(windows.record_delivery, event, POLICY, FixedClock(delivered_at))


def command(order_number="ORD-2026-000001"):
    return schemas.NewRma().load({"order_number": order_number, "request_type": "standard_warranty",
                                  "message": "Broken", "return_address": RETURN_ADDRESS,
                                  "lines": [dict(LINE, position=1, quantity=1)]})


def test_the_window_closes_at_the_end_of_the_14th_day(run):
    delivered = datetime(2026, 3, 2, 18, 30, tzinfo=ROME)
    deliver(run, delivered)
    last_moment = FixedClock(datetime(2026, 3, 16, 23, 59, tzinfo=ROME))
    eligible = run(windows.eligible_orders, ANNA, FIRST_PAGE, POLICY, last_moment)["items"]
    assert [o["order_number"] for o in eligible] == ["ORD-2026-000001"]
    rma = run(rmas.create_rma, ANNA, command(), Accounts(), POLICY, last_moment)
    assert rma.status == "submitted"
    too_late = FixedClock(datetime(2026, 3, 17, 0, 0, tzinfo=ROME))
    assert run(windows.eligible_orders, ANNA, FIRST_PAGE, POLICY, too_late)["items"] == []
    with pytest.raises(WindowClosed):
        run(rmas.create_rma, ANNA, command(), Accounts(), POLICY, too_late)


def test_a_friday_evening_request_is_due_monday_evening_and_overdue_after(run):
    deliver(run, datetime(2026, 3, 2, 10, 0, tzinfo=ROME))
    rma = run(rmas.create_rma, ANNA, command(), Accounts(), POLICY, FixedClock(datetime(2026, 3, 6, 19, 0, tzinfo=ROME)))
    assert rma.review_deadline == datetime(2026, 3, 9, 19, 0, tzinfo=ROME)
    query = schemas.StaffRmaQuery().load({"overdue": "true"})
    on_time = run(rmas.staff_list_rmas, query, FixedClock(datetime(2026, 3, 9, 18, 59, tzinfo=ROME)))
    late = run(rmas.staff_list_rmas, query, FixedClock(datetime(2026, 3, 9, 19, 1, tzinfo=ROME)))
    assert on_time["total"] == 0 and [r.number for r in late["items"]] == [rma.number]


def test_a_holiday_moves_the_review_deadline(run):
    deliver(run, datetime(2026, 4, 1, 10, 0, tzinfo=ROME))
    rma = run(rmas.create_rma, ANNA, command(), Accounts(), POLICY, FixedClock(datetime(2026, 4, 3, 16, 0, tzinfo=ROME)))
    assert rma.review_deadline == datetime(2026, 4, 7, 16, 0, tzinfo=ROME)  # past Easter Monday


def test_one_window_per_order_whatever_repeats(run):
    first = deliver(run, datetime(2026, 3, 2, 10, 0, tzinfo=ROME))
    again = deliver(run, datetime(2026, 3, 5, 10, 0, tzinfo=ROME))  # a later event for the same order
    assert again.id == first.id and again.window_closes_at == first.window_closes_at
    with run.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(delivered_orders)).scalar_one() == 1


def test_numbers_count_per_year(run):
    deliver(run, datetime(2026, 12, 30, 10, 0, tzinfo=ROME))
    clock = FixedClock(datetime(2026, 12, 31, 10, 0, tzinfo=ROME))
    assert run(rmas.create_rma, ANNA, command(), Accounts(), POLICY, clock).number == "RMA-2026-000001"
    clock.now += timedelta(days=1)
    assert run(rmas.create_rma, ANNA, command(), Accounts(), POLICY, clock).number == "RMA-2027-000001"
