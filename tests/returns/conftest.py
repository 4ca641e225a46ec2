"""Returns fixtures: the real shop (accounts, catalog, orders, returns, gateway) on a real broker.

An order is delivered for real (checkout, then staff move it to delivered), and
returns learns of it from ``orders.order_delivered`` like in production.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from tests.orders.conftest import Shop, catalog  # noqa: F401  (the catalog fixture: two products)
from tests.support.fixtures import wait_until

RETURN_ADDRESS = {"name": "Anna Verdi", "street": "Via Po 3", "postal_code": "10123", "city": "Torino",
                  "country": "IT"}
LINE = {"justification": "Stopped working after two days", "seal_state": "broken", "usage_condition": "defective"}
MAX_BYTES, MAX_COUNT = 64 * 1024, 3


class ReturnsShop(Shop):
    """The customer's and staff's side of returns, through the gateway."""

    def deliver_order(self, auth, staff, items=(("DRILL-18V", 2), ("SAW-01", 1))) -> str:
        number = self.delivered_order(auth, staff, items)
        self.wait_eligible(auth, number)
        return number

    def eligible(self, auth) -> dict:
        response = self.client.get("/api/v1/returns/eligible-orders", headers=auth)
        assert response.status_code == 200, response.text
        return {order["order_number"]: order for order in response.json()["items"]}

    def wait_eligible(self, auth, number: str) -> dict:
        return wait_until(lambda: self.eligible(auth).get(number), timeout=15)

    def request_return(self, auth, order_number, lines=((1, 1),), request_type="standard_warranty", headers=None,
                       **extra):
        body = {"order_number": order_number, "request_type": request_type, "message": "Please have a look.",
                "return_address": RETURN_ADDRESS,
                "lines": [dict(LINE, position=position, quantity=quantity) for position, quantity in lines], **extra}
        return self.client.post("/api/v1/returns", json=body, headers={**auth, **(headers or {})})

    def open_return(self, auth, order_number, **options) -> dict:
        response = self.request_return(auth, order_number, **options)
        assert response.status_code == 201, response.text
        return response.json()

    def staff_step(self, staff, number, step, body, expected=200) -> dict:
        response = self.client.post(f"/api/v1/staff/returns/{number}/{step}", json=body, headers=staff)
        assert response.status_code == expected, response.text
        return response.json()

    def customer_step(self, auth, number, step, body, expected=200) -> dict:
        response = self.client.post(f"/api/v1/returns/{number}/{step}", json=body, headers=auth)
        assert response.status_code == expected, response.text
        return response.json()

    def me(self, auth) -> dict:
        return self.client.get("/api/v1/me", headers=auth).json()


def delivered_payload(customer_id, order_number="ORD-2026-900001", delivered_at=None, customer_kind="private",
                      company_id=None, event_id=None) -> dict:
    delivered_at = delivered_at or datetime.now(timezone.utc)
    return {"event_id": event_id or str(uuid.uuid4()), "occurred_at": delivered_at.isoformat(), "schema_version": 1,
            "order_number": order_number, "customer_id": customer_id, "company_id": company_id,
            "customer_kind": customer_kind, "delivered_at": delivered_at.isoformat(),
            "lines": [{"position": 1, "kind": "product", "reference": "DRILL-18V", "name": "Trapano a batteria 18V",
                       "quantity": 2, "unit_price": {"amount": "89.90", "currency": "EUR"}, "vat_rate": "22.00"},
                      {"position": 2, "kind": "service", "reference": "svc-1", "name": "Assembly", "quantity": 1,
                       "unit_price": {"amount": "30.00", "currency": "EUR"}, "vat_rate": "22.00"}]}


@pytest.fixture
def shop(system, client, config, catalog, tmp_path):  # noqa: F811
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns"), "attachment_max_bytes": MAX_BYTES,
                         "attachment_max_count": MAX_COUNT}
    system.start("accounts", "catalog", "orders", "returns", "gateway")
    return ReturnsShop(client, config)
