"""The desk through the gateway: every service running, a real broker, a real SMTP server."""
from __future__ import annotations

import pytest

from tests.catalog.harness import CatalogDb
from tests.orders.conftest import Shop
from tests.support.fixtures import wait_until

STAFF_INBOX = "desk-inbox@shop.example"
BASE_URL = "https://shop.example.it"


class Desk(Shop):
    """A customer's and the staff's view of the desk, plus the mail the SMTP server received."""

    def __init__(self, client, config, smtp_server):
        super().__init__(client, config)
        self.smtp = smtp_server

    # -- the customer --------------------------------------------------------------------
    def write(self, auth, body, context=None, expect=201):
        payload = {"body": body} if context is None else {"body": body, "context": context}
        response = self.client.post("/api/v1/messages", json=payload, headers=auth)
        assert response.status_code == expect, response.text
        return response.json()

    def reply(self, auth, thread_id, body, expect=201):
        response = self.client.post(f"/api/v1/messages/{thread_id}", json={"body": body}, headers=auth)
        assert response.status_code == expect, response.text
        return response.json()

    def overview(self, auth, **query):
        response = self.client.get("/api/v1/messages", params=query, headers=auth)
        assert response.status_code == 200, response.text
        return response.json()

    # -- staff ---------------------------------------------------------------------------
    def inbox(self, staff, **query):
        response = self.client.get("/api/v1/staff/messages", params=query, headers=staff)
        assert response.status_code == 200, response.text
        return response.json()

    def answer(self, staff, thread_id, body, expect=201):
        response = self.client.post(f"/api/v1/staff/messages/{thread_id}", json={"body": body}, headers=staff)
        assert response.status_code == expect, response.text
        return response.json()

    def notifications(self, staff, **query):
        response = self.client.get("/api/v1/staff/notifications", params={"per_page": 100, **query}, headers=staff)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    # -- mail ------------------------------------------------------------------------------
    def mails(self, to: str, count: int = 1, timeout: float = 15.0) -> list:
        """The mails to ``to`` once there are ``count`` of them (fails after ``timeout``)."""
        def found():
            mails = [mail for mail in self.smtp.messages() if mail["To"] == to]
            return mails if len(mails) >= count else None
        return wait_until(found, timeout=timeout)

    def all_sent(self, staff) -> bool:
        """Nothing left to send: afterwards, the SMTP server holds every mail there will be."""
        return wait_until(lambda: not self.notifications(staff, status="pending"))


@pytest.fixture
def catalog(config):
    db = CatalogDb(config["DATABASE_URLS"]["catalog"])
    db.add_product(code="DRILL-18V", name="Trapano a batteria 18V", price={"amount": "89.90", "currency": "EUR"})
    yield db
    db.dispose()


def configure_messaging(config, smtp_server, tmp_path) -> None:
    """Mail through the real SMTP server, fast delivery, the test's staff inbox and public URL."""
    config["MAIL"] = {"transport": "smtp", "smtp_host": smtp_server.host, "smtp_port": smtp_server.port,
                      "mail_from": "Sportello <no-reply@shop.example.it>", "smtp_timeout": 5}
    config["SMS"] = {"transport": "file", "file_dir": str(tmp_path / "sms")}
    config["NOTIFICATION_DELIVERY"] = {"poll_interval": 0.2}
    config["STAFF_NOTIFICATIONS_EMAIL"] = STAFF_INBOX
    config["PUBLIC_BASE_URL"] = BASE_URL


@pytest.fixture
def desk(system, client, config, smtp_server, catalog, tmp_path):
    configure_messaging(config, smtp_server, tmp_path)
    system.start("accounts", "catalog", "orders", "messaging", "gateway")
    return Desk(client, config, smtp_server)
