import pytest

from services.accounts.cli import ensure_staff
from tests.accounts.conftest import PASSWORD, STAFF_PASSWORD, Accounts
from tests.catalog.harness import CatalogDb

SHIPPING = {"name": "Anna Verdi", "street": "Via Po 3", "postal_code": "10123", "city": "Torino", "country": "IT"}
BILLING = {"street": "Via Po 3", "postal_code": "10123", "city": "Torino", "country": "IT",
           "fiscal_code": "VRDNNA80A41F205X", "invoice_email": "fatture@example.it"}


class Shop(Accounts):
    """A customer's and staff's view of the running shop, through the gateway."""

    def customer(self, email="anna@example.it", **extra):
        assert self.register(email, **extra).status_code == 201
        return self.as_user(self.token(email))

    def staff(self):
        ensure_staff("desk@shop.example", STAFF_PASSWORD, "staff_admin",
                     database_url=self.config["DATABASE_URLS"]["accounts"])
        return self.as_user(self.token("desk@shop.example", STAFF_PASSWORD))

    def new_cart(self, auth, name="Cart"):
        response = self.client.post("/api/v1/carts", json={"name": name}, headers=auth)
        assert response.status_code == 201, response.text
        return response.json()

    def add(self, auth, cart_id, code, quantity=1):
        response = self.client.post(f"/api/v1/carts/{cart_id}/items", json={"code": code, "quantity": quantity},
                                    headers=auth)
        assert response.status_code == 201, response.text
        return response.json()

    def checkout(self, auth, cart_id, headers=None, **body):
        payload = {"shipping_address": SHIPPING, "payment_method": "bank_transfer", "billing": BILLING, **body}
        return self.client.post(f"/api/v1/carts/{cart_id}/checkout", json=payload, headers={**auth, **(headers or {})})

    def delivered_order(self, auth, staff, items=(("DRILL-18V", 2), ("SAW-01", 1)), paid=False,
                        service_ids=()) -> str:
        """A real order placed, (paid,) shipped and delivered through the API; its number."""
        cart = self.new_cart(auth)
        for code, quantity in items:
            self.add(auth, cart["id"], code, quantity)
        for service_id in service_ids:
            added = self.client.post(f"/api/v1/carts/{cart['id']}/items", json={"service_id": service_id},
                                     headers=auth)
            assert added.status_code == 201, added.text
        placed = self.checkout(auth, cart["id"])
        assert placed.status_code == 201, placed.text
        number = placed.json()["number"]
        if paid:
            payment = self.client.post(f"/api/v1/staff/orders/{number}/payments", headers=staff,
                                       json={"amount": placed.json()["total"]["amount"]})
            assert payment.status_code in (200, 201), payment.text
        for status in ({"status": "processing"}, {"status": "fulfilled", "carrier": "BRT", "tracking_number": "T-1"},
                       {"status": "delivered"}):
            moved = self.client.post(f"/api/v1/staff/orders/{number}/status", json=status, headers=staff)
            assert moved.status_code == 200, moved.text
        return number


@pytest.fixture
def catalog(config):
    db = CatalogDb(config["DATABASE_URLS"]["catalog"])
    db.add_product(code="DRILL-18V", name="Trapano a batteria 18V", price={"amount": "89.90", "currency": "EUR"})
    db.add_product(code="SAW-01", name="Handsäge", price={"amount": "12.50", "currency": "EUR"}, vat_rate="22.00")
    yield db
    db.dispose()


@pytest.fixture
def shop(system, client, config, catalog):
    system.start("accounts", "catalog", "orders", "gateway")
    return Shop(client, config)


__all__ = ["PASSWORD", "SHIPPING", "BILLING"]
