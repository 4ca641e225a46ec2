"""Real orders through the gateway: an order's message channel, the order and quote mails, erasure."""
from nameko.standalone.events import event_dispatcher

from tests.accounts.conftest import PASSWORD
from tests.catalog.harness import assert_problem
from tests.messaging import events
from tests.messaging.http.conftest import BASE_URL
from tests.orders.conftest import BILLING
from tests.support.fixtures import wait_until

INVOICES = BILLING["invoice_email"]  # where orders sends an order's mail (the event's address)


def place_order(desk, auth, quantity=2):
    cart = desk.new_cart(auth)
    desk.add(auth, cart["id"], "DRILL-18V", quantity)
    response = desk.checkout(auth, cart["id"])
    assert response.status_code == 201, response.text
    return response.json()["number"]


def test_an_orders_channel_belongs_to_its_customer_and_the_confirmation_arrives_in_their_language(desk, client):
    anna, bruno, staff = desk.customer("anna@example.it", language="it"), desk.customer("bruno@example.it"), \
        desk.staff()
    desk.mails("anna@example.it")  # the welcome: messaging has seen the registration (and the language)
    number = place_order(desk, anna)
    channel = f"/api/v1/orders/{number}/messages"

    assert client.get(channel, headers=anna).json() == {"order_number": number, "thread": None}
    first = client.post(channel, json={"body": "Posso ritirarlo in negozio?"}, headers=anna)
    assert first.status_code == 201, first.text
    thread = first.json()
    assert thread["context"] == {"type": "order", "ref": number} and thread["status"] == "open"
    again = desk.write(anna, "E pagare alla consegna?", context={"type": "order", "ref": number})
    assert again["id"] == thread["id"] and again["message_count"] == 2  # one channel per order
    assert [m["body"] for m in client.get(channel, headers=anna).json()["thread"]["messages"]] == [
        "Posso ritirarlo in negozio?", "E pagare alla consegna?"]

    for response in (client.get(channel, headers=bruno), client.post(channel, json={"body": "mine?"}, headers=bruno),
                     client.post("/api/v1/messages", json={"body": "x", "context": {"type": "order", "ref": number}},
                                 headers=bruno),
                     client.get("/api/v1/orders/ORD-2026-999999/messages", headers=anna)):
        assert_problem(response, 404, "order-not-found")
    assert desk.overview(bruno)["total"] == 0
    [listed] = desk.inbox(staff, context="order", ref=number)["items"]
    assert listed["id"] == thread["id"] and listed["unread"] == 2

    [confirmation] = desk.mails(INVOICES)
    assert confirmation["Subject"] == f"Il tuo ordine {number}"
    text = confirmation.get_body(("plain",)).get_content()
    assert "2 x Trapano a batteria 18V (DRILL-18V), 89,90 EUR cad." in text
    assert "Totale: 219,36 EUR" in text and f"{BASE_URL}/orders/{number}" in text


def test_shipping_delivery_payment_and_cancellation_each_send_one_mail(desk, client):
    anna, staff = desk.customer("anna@example.it"), desk.staff()
    desk.mails("anna@example.it")
    shipped, cancelled = place_order(desk, anna), place_order(desk, anna, quantity=1)
    move = lambda number, body: client.post(f"/api/v1/staff/orders/{number}/status", json=body,  # noqa: E731
                                            headers=staff)
    assert move(shipped, {"status": "processing"}).status_code == 200
    assert move(shipped, {"status": "fulfilled", "carrier": "BRT", "tracking_number": "BRT-778899"}).status_code == 200
    assert move(shipped, {"status": "delivered"}).status_code == 200
    paid = client.post(f"/api/v1/staff/orders/{shipped}/payments", json={"amount": "219.36"}, headers=staff)
    assert paid.status_code == 201, paid.text
    assert move(cancelled, {"status": "cancelled", "note": "customer asked"}).status_code == 200

    mails = {mail["Subject"]: mail for mail in desk.mails(INVOICES, 6)}
    assert set(mails) == {f"Your order {shipped}", f"Your order {cancelled}",
                          f"Your order {shipped} has shipped", f"Your order {shipped} has been delivered",
                          f"Payment received for order {shipped}", f"Your order {cancelled} has been cancelled"}
    shipping = mails[f"Your order {shipped} has shipped"].get_body(("plain",)).get_content()
    assert "Carrier: BRT" in shipping and "Tracking number: BRT-778899" in shipping
    assert "219.36 EUR" in mails[f"Payment received for order {shipped}"].get_body(("plain",)).get_content()
    assert "customer asked" not in mails[f"Your order {cancelled} has been cancelled"].get_body(("plain",)).get_content()
    desk.all_sent(staff)
    assert len(desk.mails(INVOICES, 6)) == 6  # "processing" sent nothing; nothing came twice


def test_quote_mails_in_the_customers_language(desk, client, config):
    registered = desk.register("paola@rossi.example.it", language="it").json()
    desk.mails("paola@rossi.example.it")
    dispatch = event_dispatcher(config)
    dispatch("orders", "quote_requested", events.quote_requested(customer_id=registered["id"]))
    dispatch("orders", "quote_priced", events.quote_priced(customer_id="c-unknown", email="buyer@example.com"))
    received = desk.mails("paola@rossi.example.it", 2)
    assert "Abbiamo ricevuto la tua richiesta di preventivo QUO-2026-000007" in {m["Subject"] for m in received}
    [ready] = desk.mails("buyer@example.com")
    assert ready["Subject"] == "Your quote QUO-2026-000007 is ready"
    assert "1,830.00 EUR in total, valid until 2026-12-31" in ready.get_body(("plain",)).get_content()


def test_an_erased_customers_threads_keep_no_text_and_no_address(desk, client):
    anna, staff = desk.customer("anna@example.it"), desk.staff()
    thread_id = desk.write(anna, "Please call me on +39 340 1234567")["id"]
    desk.answer(staff, thread_id, "We will call +39 340 1234567 tomorrow")
    desk.all_sent(staff)
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=anna).status_code == 204

    erased = wait_until(lambda: (lambda t: t if t["status"] == "closed" else None)(
        client.get(f"/api/v1/staff/messages/{thread_id}", headers=staff).json()))
    assert "+39" not in erased["subject"] and {m["body"] for m in erased["messages"]} == {erased["subject"]}
    mine = [n for n in desk.notifications(staff) if n["customer_id"] == erased["customer_id"]]
    assert {n["kind"] for n in mine} == {"welcome", "desk_customer_wrote", "desk_reply_waiting"}
    assert all(n["recipient"] == "" and n["subject"] == "" for n in mine)
