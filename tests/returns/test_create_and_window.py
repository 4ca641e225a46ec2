"""Opening returns through the gateway: the window from a real delivery, what is returnable, bad input."""
import uuid
from datetime import datetime, timedelta, timezone

from tests.catalog.harness import assert_problem
from tests.orders.events import outbox_events
from tests.support.fixtures import wait_until


def test_a_delivered_order_opens_its_window_and_a_return_is_numbered(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    number = shop.deliver_order(anna, staff)
    order = shop.eligible(anna)[number]
    assert order["request_types"] == ["standard_warranty", "advanced_warranty", "convenience", "shipping_error"]
    assert [(l["reference"], l["returnable_quantity"]) for l in order["lines"]] == [("DRILL-18V", 2), ("SAW-01", 1)]
    delivered = datetime.fromisoformat(order["delivered_at"])
    closes = datetime.fromisoformat(order["window_closes_at"])
    assert timedelta(days=14) < closes - delivered <= timedelta(days=15)  # to the end of the 14th calendar day

    rma = shop.open_return(anna, number, lines=((1, 1),), invoice_number=number.lower())
    assert rma["number"].startswith("RMA-") and rma["number"].endswith("-000001")
    assert rma["status"] == "submitted" and rma["resolution"] == "refund" and rma["overdue"] is False
    assert datetime.fromisoformat(rma["review_deadline"]) > datetime.now(timezone.utc)
    assert [e["status"] for e in rma["timeline"]] == ["submitted"]
    [event] = outbox_events(config, "returns", "rma_created")
    assert event["rma_number"] == rma["number"] and event["email"] == "anna@example.it"
    assert event["lines"] == [{"position": 1, "reference": "DRILL-18V", "name": "Trapano a batteria 18V", "quantity": 1}]

    # What is under an open return is not returnable twice.
    assert [l["returnable_quantity"] for l in shop.eligible(anna)[number]["lines"]] == [1, 1]
    body = assert_problem(shop.request_return(anna, number, lines=((1, 2),)), 422, "quantity-exceeds-returnable")
    assert body["returnable"] == 1
    assert_problem(shop.request_return(anna, number, lines=((1, 1), (1, 1))), 422, "quantity-exceeds-returnable")
    shop.open_return(anna, number, lines=((1, 1), (2, 1)))
    assert number not in shop.eligible(anna)  # nothing left to return
    assert client.get("/api/v1/returns", headers=anna).json()["total"] == 2


def test_bad_requests_are_refused_and_nothing_is_written(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    number = shop.deliver_order(anna, staff, items=(("SAW-01", 1),))
    assert_problem(shop.request_return(anna, number, lines=((7, 1),)), 422, "line-not-in-order")
    assert_problem(shop.request_return(anna, number, invoice_number="INV-42"), 422, "invoice-number-mismatch")
    assert_problem(shop.request_return(anna, "ORD-2026-999999"), 404, "order-not-found")
    invalid = shop.request_return(anna, number, lines=(), request_type="whim")
    assert invalid.status_code == 422 and {"lines", "request_type"} <= set(invalid.json()["errors"])
    assert client.get("/api/v1/returns", headers=anna).json()["total"] == 0
    assert outbox_events(config, "returns", "rma_created") == []

    bruno = shop.customer("bruno@example.it")
    assert_problem(shop.request_return(bruno, number), 404, "order-not-found")  # another customer's order
    assert number not in shop.eligible(bruno)
    rma = shop.open_return(anna, number)
    for path in (f"/api/v1/returns/{rma['number']}", f"/api/v1/returns/{rma['number']}/label"):
        assert_problem(client.get(path, headers=bruno), 404, "rma-not-found")
    assert_problem(client.post(f"/api/v1/returns/{rma['number']}/shipment", headers=bruno,
                               json={"carrier": "BRT", "tracking_number": "X"}), 404, "rma-not-found")
    assert client.get("/api/v1/staff/returns", headers=anna).status_code == 403


def test_the_same_idempotency_key_opens_one_return(shop, client):
    anna, staff = shop.customer(), shop.staff()
    number = shop.deliver_order(anna, staff)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = shop.request_return(anna, number, headers=key)
    second = shop.request_return(anna, number, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert client.get("/api/v1/returns", headers=anna).json()["total"] == 1
    assert_problem(shop.request_return(anna, number, headers={"Idempotency-Key": "short"}), 422, "validation-failed")


def returns_db(config):
    from services.chassis.database import make_engine

    return make_engine(config["DATABASE_URLS"]["returns"])


def test_outside_the_window_and_convenience_by_profile(shop, client, config, catalog):
    from sqlalchemy import update

    from services.returns.adapters.orm import delivered_orders
    from tests.accounts.conftest import COMPANY
    from tests.catalog.harness import money

    anna, staff = shop.customer(), shop.staff()
    old = shop.deliver_order(anna, staff, items=(("SAW-01", 1),))
    # Delivered 16 days ago: returns' own record of the order is moved back, as time would.
    delivered_at = datetime.now(timezone.utc) - timedelta(days=16)
    engine = returns_db(config)
    with engine.begin() as conn:
        conn.execute(update(delivered_orders).where(delivered_orders.c.order_number == old)
                     .values(delivered_at=delivered_at, window_closes_at=delivered_at + timedelta(days=14)))
    engine.dispose()
    assert old not in shop.eligible(anna)  # received, but its window is closed
    closed = assert_problem(shop.request_return(anna, old), 422, "return-window-closed")
    assert closed["delivered_at"].startswith(delivered_at.date().isoformat()) and "window_closes_at" in closed

    assembly = catalog.add_service(category="Montaggio", name="Assembly", pricing="fixed", price=money("30.00"),
                                   vat_rate="22.00")
    admin = shop.customer("admin@ferramenta.example", company=COMPANY)
    business = shop.delivered_order(admin, staff, items=(("DRILL-18V", 2),), service_ids=(assembly.id,))
    order = shop.wait_eligible(admin, business)
    assert "convenience" not in order["request_types"]
    assert [l["reference"] for l in order["lines"]] == ["DRILL-18V"]  # services do not travel back
    assert_problem(shop.request_return(admin, business, request_type="convenience"), 422,
                   "request-type-not-allowed")
    assert_problem(shop.request_return(admin, business, lines=((2, 1),)), 422, "line-not-returnable")
    assert shop.open_return(admin, business, request_type="shipping_error")["resolution"] == "replacement"


def test_the_same_order_delivered_twice_opens_one_window(shop, client, config):
    from nameko.standalone.events import event_dispatcher
    from sqlalchemy import func, select

    from services.chassis.tables import inbox_messages
    from services.returns.adapters.orm import delivered_orders

    anna, staff = shop.customer(), shop.staff()
    number = shop.deliver_order(anna, staff)
    [payload] = outbox_events(config, "orders", "order_delivered")
    dispatch = event_dispatcher(config)
    dispatch("orders", "order_delivered", payload)  # the same event redelivered
    dispatch("orders", "order_delivered", dict(payload, event_id=str(uuid.uuid4())))  # the same fact, a new event id
    engine = returns_db(config)
    handled = select(func.count()).select_from(inbox_messages).where(
        inbox_messages.c.handler.like("orders.order_delivered:%"))
    try:
        with engine.connect() as conn:
            # Both distinct event ids handled (the inbox has them), one window all the same.
            wait_until(lambda: conn.execute(handled).scalar_one() == 2)
            assert conn.execute(select(func.count()).select_from(delivered_orders)).scalar_one() == 1
    finally:
        engine.dispose()
    assert list(shop.eligible(anna)) == [number]


def test_company_representatives_return_the_companys_orders(shop, client, config):
    from sqlalchemy import update

    from services.chassis.database import make_engine
    from services.orders.adapters.orm import orders
    from tests.accounts.conftest import COMPANY

    admin, staff = shop.customer("admin@ferramenta.example", company=COMPANY), shop.staff()
    company_id = shop.me(admin)["company_id"]
    assert company_id
    cart = shop.new_cart(admin)
    shop.add(admin, cart["id"], "DRILL-18V", 2)
    number = shop.checkout(admin, cart["id"]).json()["number"]
    # Placed by a colleague: orders' record says so (inviting one takes the whole activation flow).
    engine = make_engine(config["DATABASE_URLS"]["orders"])
    with engine.begin() as conn:
        conn.execute(update(orders).where(orders.c.number == number).values(owner_id="colleague-id"))
    engine.dispose()
    for status in ({"status": "processing"}, {"status": "fulfilled", "carrier": "BRT", "tracking_number": "T-1"},
                   {"status": "delivered"}):
        assert client.post(f"/api/v1/staff/orders/{number}/status", json=status, headers=staff).status_code == 200
    # Delivered to a colleague: the company's order all the same.
    order = shop.wait_eligible(admin, number)
    assert "convenience" not in order["request_types"]  # business customers: not by default
    rma = shop.open_return(admin, number, request_type="advanced_warranty")
    assert client.get(f"/api/v1/returns/{rma['number']}", headers=admin).status_code == 200
    anna = shop.customer()
    assert_problem(shop.request_return(anna, number), 404, "order-not-found")
    assert_problem(client.get(f"/api/v1/returns/{rma['number']}", headers=anna), 404, "rma-not-found")


def test_concurrent_requests_never_return_more_than_was_delivered(shop, client):
    import threading

    anna, staff = shop.customer(), shop.staff()
    number = shop.deliver_order(anna, staff, items=(("DRILL-18V", 2),))
    statuses = []

    def attempt():
        statuses.append(shop.request_return(anna, number, lines=((1, 1),)).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 201, 422, 422, 422, 422]
    page = client.get("/api/v1/returns", headers=anna).json()
    assert page["total"] == 2 and sorted(i["number"][-1] for i in page["items"]) == ["1", "2"]
