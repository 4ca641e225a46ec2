"""The RMA workflow through the gateway: review outcomes, label, shipment, receipt, resolution, closing."""
from datetime import datetime, timedelta

from tests.catalog.harness import assert_problem
from tests.orders.events import outbox_events
from tests.returns.labels import barcode_payload, label_text
from tests.support.fixtures import wait_until

SHIPMENT = {"carrier": "BRT", "tracking_number": "BRT-000123"}


def statuses(rma):
    return [entry["status"] for entry in rma["timeline"]]


def test_approved_warranty_return_is_labelled_shipped_accepted_refunded_and_closed(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    rma = shop.open_return(anna, order, lines=((1, 2),))
    number = rma["number"]
    assert_problem(client.get(f"/api/v1/returns/{number}/label", headers=anna), 409, "label-not-available")
    assert_problem(client.post(f"/api/v1/returns/{number}/shipment", json=SHIPMENT, headers=anna), 409,
                   "illegal-rma-transition")

    rma = shop.staff_step(staff, number, "review", {"decision": "approve", "message": "Send it back."})
    assert rma["status"] == "approved" and rma["label_available"] and rma["label_prepaid"]
    label = client.get(f"/api/v1/returns/{number}/label", headers=anna)
    assert label.status_code == 200 and label.headers["Content-Type"] == "application/pdf"
    assert label.headers["Content-Disposition"] == f'attachment; filename="{number}-label.pdf"'
    text = label_text(label.content)
    assert number in text and "POSTAGE PREPAID" in text and "Anna Verdi" in text and "Sportello Returns" in text
    assert barcode_payload(label.content) == number

    rma = shop.customer_step(anna, number, "shipment", SHIPMENT)
    assert (rma["status"], rma["carrier"], rma["tracking_number"]) == ("shipped", "BRT", "BRT-000123")
    shop.customer_step(anna, number, "shipment", SHIPMENT, expected=409)  # once only
    rma = shop.staff_step(staff, number, "receipt", {"decision": "accept", "note": "Complete, seal broken."})
    assert rma["status"] == "accepted"
    accepted_at = datetime.fromisoformat(rma["timeline"][-1]["at"])
    assert datetime.fromisoformat(rma["refund_due_at"]) - accepted_at == timedelta(hours=48)
    [refund] = outbox_events(config, "returns", "refund_requested")
    # 2 x 89.90 = 179.80 net + 22 % VAT 39.56 = 219.36, what the customer paid for them
    assert refund["amount"] == {"amount": "219.36", "currency": "EUR"} and refund["order_number"] == order
    assert refund["lines"][0]["quantity"] == 2 and refund["due_at"] == rma["refund_due_at"]
    # Orders heard it: the refund is recorded on the order (part of what was paid for).
    payment_status = lambda: client.get(f"/api/v1/orders/{order}", headers=anna).json()["payment_status"]  # noqa: E731
    assert wait_until(lambda: payment_status() == "partially_refunded")

    shop.staff_step(staff, number, "review", {"decision": "reject", "message": "Too late."}, expected=409)
    rma = shop.staff_step(staff, number, "resolution", {"note": "Refunded by bank transfer."})
    assert rma["status"] == "resolved"
    rma = shop.staff_step(staff, number, "close", {"note": ""})
    assert statuses(rma) == ["submitted", "approved", "shipped", "received", "accepted", "resolved", "closed"]
    assert [e["actor"] for e in rma["timeline"]][:3] == ["customer", "staff", "customer"]
    [closed] = outbox_events(config, "returns", "rma_closed")
    assert closed["outcome"] == "resolved"
    for event_type in ("rma_reviewed", "rma_shipped", "rma_received", "rma_resolved"):
        assert len(outbox_events(config, "returns", event_type)) == 1, event_type
    assert client.get(f"/api/v1/returns/{number}", headers=anna).json()["status"] == "closed"
    # A refunded return keeps its quantity: only the saw is left to return.
    assert [l["reference"] for l in shop.eligible(anna)[order]["lines"]] == ["SAW-01"]


def test_refused_goods_go_back_and_become_returnable_again(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    number = shop.open_return(anna, order, lines=((1, 1),), request_type="advanced_warranty")["number"]
    shop.staff_step(staff, number, "review", {"decision": "approve", "message": "OK"})
    shop.customer_step(anna, number, "shipment", SHIPMENT)
    rma = shop.staff_step(staff, number, "receipt", {"decision": "refuse", "note": "Water damage."})
    assert rma["status"] == "refused" and rma["refund_due_at"] is None
    assert outbox_events(config, "returns", "replacement_requested") == []
    shop.staff_step(staff, number, "close", {}, expected=409)  # not an end state yet
    rma = shop.staff_step(staff, number, "return-shipment", {"carrier": "SDA", "tracking_number": "SDA-9"})
    assert (rma["status"], rma["return_carrier"]) == ("returned_to_customer", "SDA")
    [back] = outbox_events(config, "returns", "rma_returned_to_customer")
    assert back["address"]["city"] == "Torino"
    shop.staff_step(staff, number, "close", {})
    assert [l["returnable_quantity"] for l in shop.eligible(anna)[order]["lines"]] == [2, 1]


def test_a_shipping_error_is_replaced(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    number = shop.open_return(anna, order, lines=((2, 1),), request_type="shipping_error")["number"]
    shop.staff_step(staff, number, "review", {"decision": "approve", "message": "Sorry about that."})
    assert "POSTAGE PREPAID" in label_text(client.get(f"/api/v1/returns/{number}/label", headers=anna).content)
    shop.customer_step(anna, number, "shipment", SHIPMENT)
    rma = shop.staff_step(staff, number, "receipt", {"decision": "accept"})
    assert rma["resolution"] == "replacement" and rma["refund_due_at"] is None
    [replacement] = outbox_events(config, "returns", "replacement_requested")
    assert replacement["lines"][0]["reference"] == "SAW-01" and replacement["shipping_address"]["name"] == "Anna Verdi"
    # Orders heard it: a zero-price replacement order now stands beside the original.
    orders = wait_until(lambda: (page := client.get("/api/v1/orders", headers=anna).json())["total"] == 2 and page)
    replacement_order = client.get(f"/api/v1/orders/{orders['items'][0]['number']}", headers=anna).json()
    assert replacement_order["total"]["amount"] == "0.00" and replacement_order["lines"][0]["reference"] == "SAW-01"


def test_details_requested_then_an_offer_declined_then_accepted(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    number = shop.open_return(anna, order, request_type="convenience")["number"]
    first_deadline = client.get(f"/api/v1/returns/{number}", headers=anna).json()["review_deadline"]
    rma = shop.staff_step(staff, number, "review", {"decision": "request_info", "message": "A photo, please."})
    assert rma["status"] == "info_requested"
    shop.customer_step(anna, number, "offer", {"decision": "accept"}, expected=409)  # nothing offered
    rma = shop.customer_step(anna, number, "resubmit", {"message": "Photo attached."})
    assert rma["status"] == "submitted" and rma["review_deadline"] >= first_deadline

    offer = {"kind": "discount", "amount": {"amount": "15", "currency": "EUR"}, "description": "15 EUR off"}
    invalid = client.post(f"/api/v1/staff/returns/{number}/review", headers=staff,
                          json={"decision": "approve", "message": "x", "offer": offer})
    assert_problem(invalid, 422, "validation-failed")
    rma = shop.staff_step(staff, number, "review", {"decision": "offer", "message": "Keep it?", "offer": offer})
    assert rma["status"] == "offered" and rma["offer"]["amount"] == {"amount": "15.00", "currency": "EUR"}
    assert shop.customer_step(anna, number, "offer", {"decision": "decline"})["status"] == "submitted"
    shop.staff_step(staff, number, "review", {"decision": "offer", "message": "Last offer", "offer": offer})
    rma = shop.customer_step(anna, number, "offer", {"decision": "accept", "message": "Deal."})
    assert (rma["status"], rma["resolution"]) == ("resolved", "commercial")
    [credit] = outbox_events(config, "returns", "credit_requested")
    assert credit["amount"] == {"amount": "15.00", "currency": "EUR"} and credit["kind"] == "discount"
    assert statuses(rma) == ["submitted", "info_requested", "submitted", "offered", "submitted", "offered",
                             "resolved"]
    assert shop.staff_step(staff, number, "close", {})["status"] == "closed"
    assert [e["decision"] for e in outbox_events(config, "returns", "rma_reviewed")] == ["request_info", "offer",
                                                                                       "offer"]


def test_a_rejected_return_is_closed_and_frees_its_quantity(shop, client, config):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff, items=(("SAW-01", 1),))
    number = shop.open_return(anna, order, request_type="convenience")["number"]
    queue = client.get("/api/v1/staff/returns?status=submitted", headers=staff).json()
    assert [item["number"] for item in queue["items"]] == [number]
    assert client.get("/api/v1/staff/returns?overdue=true", headers=staff).json()["total"] == 0
    rma = shop.staff_step(staff, number, "review", {"decision": "reject", "message": "Used beyond testing."})
    assert rma["status"] == "rejected"
    assert_problem(client.get(f"/api/v1/returns/{number}/label", headers=anna), 409, "label-not-available")
    shop.staff_step(staff, number, "review", {"decision": "approve", "message": "?"}, expected=409)
    assert shop.staff_step(staff, number, "close", {"note": "Rejected."})["status"] == "closed"
    shop.staff_step(staff, number, "close", {}, expected=409)
    assert order in shop.eligible(anna)  # a rejected request holds nothing
    assert_problem(client.post("/api/v1/staff/returns/RMA-2026-999999/close", json={}, headers=staff), 404,
                   "rma-not-found")


def test_a_convenience_label_says_the_customer_pays(shop, client):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff, items=(("SAW-01", 1),))
    number = shop.open_return(anna, order, request_type="convenience")["number"]
    rma = shop.staff_step(staff, number, "review", {"decision": "approve", "message": "OK"})
    assert rma["label_prepaid"] is False
    label = client.get(f"/api/v1/returns/{number}/label", headers=anna).content
    assert "SENDER'S COST" in label_text(label) and barcode_payload(label) == number
