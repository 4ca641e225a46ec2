import threading
import uuid

from tests.accounts.conftest import COMPANY
from tests.orders.conftest import BILLING, SHIPPING


def ready_cart(shop, auth, code="DRILL-18V", quantity=2):
    cart = shop.new_cart(auth)
    shop.add(auth, cart["id"], code, quantity)
    return cart


def test_preview_shows_totals_without_placing(shop, client):
    anna = shop.customer()
    cart = ready_cart(shop, anna)
    preview = client.post(f"/api/v1/carts/{cart['id']}/checkout/preview", headers=anna)
    assert preview.status_code == 200
    body = preview.json()
    # 2 x 89.90 = 179.80 net, VAT 22% = 39.56, free shipping from 100
    assert body["totals"] == {"net": {"amount": "179.80", "currency": "EUR"}, "vat": {"amount": "39.56", "currency": "EUR"},
                              "shipping": {"amount": "0.00", "currency": "EUR"},
                              "total": {"amount": "219.36", "currency": "EUR"}}
    assert body["ready"] is True
    assert client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["status"] == "active"


def test_checkout_places_a_numbered_order_and_publishes_order_placed(shop, client, config):
    anna = shop.customer()
    cart = ready_cart(shop, anna, "SAW-01", 1)  # 12.50 net: shipping applies
    response = shop.checkout(anna, cart["id"])
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["number"].startswith("ORD-") and order["number"].endswith("-000001")
    assert order["status"] == "placed" and order["customer_status"] == "unfulfilled"
    assert order["payment_status"] == "awaiting"
    assert order["number"] in order["payment_instructions"] and "27.33 EUR" in order["payment_instructions"]
    assert order["shipping_total"] == "9.90" and order["total"] == {"amount": "27.33", "currency": "EUR"}
    assert order["billing"]["fiscal_code"] == BILLING["fiscal_code"]
    assert order["shipping_address"] == {**SHIPPING, "phone": None}
    from tests.orders.events import outbox_events

    [event] = outbox_events(config, "orders", "order_placed")
    assert event["order_number"] == order["number"] and event["email"] == BILLING["invoice_email"]
    assert event["lines"][0]["unit_price"] == {"amount": "12.50", "currency": "EUR"}


def test_billing_comes_from_the_account_or_is_required(shop, client):
    anna = shop.customer()
    cart = ready_cart(shop, anna)
    body = {"shipping_address": SHIPPING, "payment_method": "cash_on_delivery"}
    missing = client.post(f"/api/v1/carts/{cart['id']}/checkout", json=body, headers=anna)
    assert missing.status_code == 422 and missing.json()["type"].endswith("/billing-data-missing")
    stored = dict(BILLING, pec=None, sdi_code=None, company_name=None, vat_number=None,
                  current_password="correct horse battery")
    assert client.put("/api/v1/me/billing", json=stored, headers=anna).status_code == 200
    placed = client.post(f"/api/v1/carts/{cart['id']}/checkout", json=body, headers=anna)
    assert placed.status_code == 201 and placed.json()["billing"]["city"] == "Torino"


def test_checkout_input_is_validated(shop, client):
    anna = shop.customer()
    cart = ready_cart(shop, anna)
    bad = {"shipping_address": {"name": "A"}, "payment_method": "bitcoin", "billing": BILLING}
    response = client.post(f"/api/v1/carts/{cart['id']}/checkout", json=bad, headers=anna)
    assert response.status_code == 422
    assert {"shipping_address", "payment_method"} <= set(response.json()["errors"])
    empty = shop.new_cart(anna)
    assert shop.checkout(anna, empty["id"]).json()["type"].endswith("/cart-empty")


def test_the_same_idempotency_key_returns_the_same_order(shop, client):
    anna = shop.customer()
    cart = ready_cart(shop, anna)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first, second = shop.checkout(anna, cart["id"], headers=key), shop.checkout(anna, cart["id"], headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert client.get("/api/v1/orders", headers=anna).json()["total"] == 1


def test_concurrent_checkouts_of_one_cart_place_exactly_one_order(shop, client):
    anna = shop.customer()
    cart = ready_cart(shop, anna)
    statuses = []

    def attempt():
        statuses.append(shop.checkout(anna, cart["id"]).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 7
    assert client.get("/api/v1/orders", headers=anna).json()["total"] == 1


def test_orders_list_detail_print_and_nobody_elses(shop, client):
    anna = shop.customer()
    for _ in range(3):
        shop.checkout(anna, ready_cart(shop, anna)["id"])
    page = client.get("/api/v1/orders?per_page=2", headers=anna).json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)
    number = page["items"][0]["number"]
    detail = client.get(f"/api/v1/orders/{number}", headers=anna).json()
    assert detail["lines"][0]["reference"] == "DRILL-18V" and detail["history"][0]["status"] == "placed"
    printed = client.get(f"/api/v1/orders/{number}/print", headers=anna)
    assert printed.status_code == 200 and printed.headers["Content-Type"].startswith("text/html")
    assert number in printed.text and "Trapano a batteria 18V" in printed.text
    assert "default-src 'none'" in printed.headers["Content-Security-Policy"]
    assert client.get("/api/v1/orders?per_page=101", headers=anna).status_code == 422
    assert client.get("/api/v1/orders?status=lost", headers=anna).status_code == 422

    bruno = shop.customer("bruno@example.it")
    assert client.get("/api/v1/orders", headers=bruno).json()["total"] == 0
    for path in (f"/api/v1/orders/{number}", f"/api/v1/orders/{number}/print"):
        response = client.get(path, headers=bruno)
        assert response.status_code == 404 and "DRILL" not in response.text


def test_company_representatives_share_orders_and_viewers_cannot_order(shop, client):
    from tests.accounts.test_company_representatives import add_representative

    admin = shop.customer("boss@rossi.it", company=COMPANY)
    _, buyer = add_representative(shop, client, admin, "buyer@rossi.it", "buyer")
    _, viewer = add_representative(shop, client, admin, "viewer@rossi.it", "viewer")
    placed = shop.checkout(buyer, ready_cart(shop, buyer)["id"]).json()
    assert client.get(f"/api/v1/orders/{placed['number']}", headers=admin).status_code == 200
    assert client.get("/api/v1/orders", headers=viewer).json()["total"] == 1
    refused = client.post("/api/v1/carts", json={"name": "mine"}, headers=viewer)
    assert refused.status_code == 403 and refused.json()["type"].endswith("/buying-not-allowed")
    assert client.post("/api/v1/cart/items", json={"code": "SAW-01"}, headers=viewer).status_code == 403


def test_staff_move_orders_along_the_state_machine(shop, client, config):
    from tests.orders.events import outbox_events

    anna = shop.customer()
    number = shop.checkout(anna, ready_cart(shop, anna)["id"]).json()["number"]
    desk = shop.staff()
    move = lambda body: client.post(f"/api/v1/staff/orders/{number}/status", json=body, headers=desk)  # noqa: E731
    illegal = move({"status": "delivered"})
    assert illegal.status_code == 409 and illegal.json()["current_status"] == "placed"
    assert move({"status": "processing"}).json()["customer_status"] == "in progress"
    assert move({"status": "fulfilled"}).status_code == 422  # carrier and tracking needed
    shipped = move({"status": "fulfilled", "carrier": "BRT", "tracking_number": "123456789"}).json()
    assert (shipped["carrier"], shipped["tracking_number"]) == ("BRT", "123456789")
    assert move({"status": "cancelled"}).status_code == 409
    delivered = move({"status": "delivered"}).json()
    assert [h["status"] for h in delivered["history"]] == ["placed", "processing", "fulfilled", "delivered"]
    assert [e["status"] for e in outbox_events(config, "orders", "order_status_changed")] == [
        "processing", "fulfilled", "delivered"]
    [event] = outbox_events(config, "orders", "order_delivered")
    assert event["order_number"] == number and event["customer_kind"] == "private"
    assert event["lines"][0]["quantity"] == 2 and event["lines"][0]["unit_price"]["amount"] == "89.90"
    # Staff open any customer's order by its number, history included.
    opened = client.get(f"/api/v1/staff/orders/{number}", headers=desk)
    assert opened.status_code == 200 and opened.json()["number"] == number
    assert [h["status"] for h in opened.json()["history"]] == ["placed", "processing", "fulfilled", "delivered"]
    missing = client.get("/api/v1/staff/orders/ORD-2026-999999", headers=desk)
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
    # Customers have no staff routes.
    assert client.post(f"/api/v1/staff/orders/{number}/status", json={"status": "processing"},
                       headers=anna).status_code == 403
    assert client.get(f"/api/v1/staff/orders/{number}", headers=anna).status_code == 403


def test_payments_mark_the_order_paid_once_covered(shop, client, config):
    from tests.orders.events import outbox_events

    anna = shop.customer()
    order = shop.checkout(anna, ready_cart(shop, anna)["id"]).json()
    desk = shop.staff()
    pay = lambda amount: client.post(f"/api/v1/staff/orders/{order['number']}/payments",  # noqa: E731
                                     json={"amount": amount, "reference": "CRO 123"}, headers=desk)
    assert pay("100.00").json()["payment_status"] == "awaiting"
    assert pay("119.36").json()["payment_status"] == "paid"
    assert pay("-5").status_code == 422
    [paid] = outbox_events(config, "orders", "order_paid")
    assert paid["amount"] == {"amount": "219.36", "currency": "EUR"}
    cancel = client.post(f"/api/v1/staff/orders/{order['number']}/status", json={"status": "cancelled", "note": "x"},
                         headers=desk)
    assert cancel.status_code == 200
    assert outbox_events(config, "orders", "order_cancelled")[0]["reason"] == "x"


def test_refunds_and_credits_requested_by_returns_are_recorded_once(shop, client, config):
    import uuid as uuid_module

    from nameko.standalone.events import event_dispatcher

    from tests.orders.events import credit_requested, refund_requested, settled
    from tests.support.fixtures import wait_until

    anna, desk = shop.customer(), shop.staff()
    number = shop.delivered_order(anna, desk, items=(("DRILL-18V", 2),), paid=True)
    refund = refund_requested("RMA-2026-000001", number, "109.68")  # one drill with its VAT
    dispatch = event_dispatcher(config)
    dispatch("returns", "refund_requested", refund)
    dispatch("returns", "refund_requested", dict(refund, event_id=str(uuid_module.uuid4())))  # the same RMA again
    status = lambda: client.get(f"/api/v1/orders/{number}", headers=anna).json()["payment_status"]  # noqa: E731
    assert wait_until(lambda: status() == "partially_refunded")
    dispatch("returns", "credit_requested", credit_requested("RMA-2026-000002", number, "20.00"))
    dispatch("returns", "refund_requested", dict(refund, event_id=str(uuid_module.uuid4())))  # the first, once more
    assert wait_until(lambda: settled(config, number) == {"RMA-2026-000001": ("refund", "109.68"),
                                                          "RMA-2026-000002": ("credit", "20.00")})
    assert status() == "partially_refunded"  # a credit is no refund


def test_a_replacement_requested_by_returns_becomes_one_zero_price_order(shop, client, config):
    import uuid as uuid_module

    from nameko.standalone.events import event_dispatcher

    from tests.orders.events import replacement_requested, rma_line
    from tests.support.fixtures import wait_until

    anna, desk = shop.customer(), shop.staff()
    number = shop.delivered_order(anna, desk, items=(("DRILL-18V", 2),))
    event = replacement_requested("RMA-2026-000007", number, SHIPPING, lines=[rma_line(quantity=1)])
    dispatch = event_dispatcher(config)
    dispatch("returns", "replacement_requested", event)
    dispatch("returns", "replacement_requested", dict(event, event_id=str(uuid_module.uuid4())))  # again
    listed = wait_until(lambda: (page := client.get("/api/v1/orders", headers=anna).json())["total"] == 2 and page)
    replacement = client.get(f"/api/v1/orders/{listed['items'][0]['number']}", headers=anna).json()
    assert replacement["total"] == {"amount": "0.00", "currency": "EUR"} and replacement["payment_status"] == "paid"
    assert replacement["lines"][0]["quantity"] == 1 and replacement["payment_method"] == "replacement"
    assert "RMA-2026-000007" in replacement["history"][0]["note"]
    import eventlet

    eventlet.sleep(1)
    assert client.get("/api/v1/orders", headers=anna).json()["total"] == 2
