"""The messaging service for real: events over RabbitMQ in, mail to a real SMTP server out."""
import json
import secrets

import pytest
from nameko.rpc import rpc
from nameko.runners import ServiceRunner
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import select

from services.chassis.database import make_engine
from services.messaging.adapters.orm import notifications
from services.messaging.domain.model import CANCELLED, LINK_MARKER, PENDING, SENT
from tests.messaging import events
from tests.support.fixtures import wait_until
from tests.support.smtp import free_port


ISSUED: dict[str, list[str]] = {}  # link_id -> the links the stand-in issued for it, oldest first


class StandInAccounts:
    """accounts' ``internal_issue_link`` as messaging calls it when it sends a reset or an invitation: a new
    link at every ask. (The real one, and its rules, are tested in tests/accounts/test_issue_link.py.)"""

    name = "accounts"

    @rpc
    def internal_issue_link(self, kind, link_id):
        path = "reset-password" if kind == "reset" else "activate"
        url = f"https://shop.example.it/{path}?token={secrets.token_urlsafe(32)}"
        ISSUED.setdefault(link_id, []).append(url)
        return {"url": url, "expires_at": None}


def issued(payload) -> str:
    """The link messaging was given last for the event's link."""
    return ISSUED[payload["link_id"]][-1]


class Messaging:
    """Starts messaging in a test and speaks to it the way accounts does: by events (and by the RPC
    messaging asks accounts for links with, answered by a stand-in)."""

    def __init__(self, system, config, smtp_server, tmp_path):
        self.system, self.config, self.smtp = system, config, smtp_server
        config["MAIL"] = {"transport": "smtp", "smtp_host": smtp_server.host, "smtp_port": smtp_server.port,
                          "mail_from": "Sportello <no-reply@shop.example.it>", "smtp_timeout": 5}
        config["SMS"] = {"transport": "file", "file_dir": str(tmp_path / "sms")}
        config["NOTIFICATION_DELIVERY"] = {"poll_interval": 0.2}
        self._engine = None

    def start(self):
        accounts = ServiceRunner(self.config)  # the test's operator user: a test-only service
        accounts.add_service(StandInAccounts)
        accounts.start()
        self.system.runners.append(accounts)
        self.system.start("messaging")

    def publish(self, event_type, payload, wait=False):
        dispatch = event_dispatcher(self.config)
        if not wait:
            return dispatch("accounts", event_type, payload)
        container = next(iter(self.system.runners[-1].containers))
        with entrypoint_waiter(container, f"handle_{event_type}"):
            dispatch("accounts", event_type, payload)

    def rows(self, **where):
        if self._engine is None:
            self._engine = make_engine(self.config["DATABASE_URLS"]["messaging"])
        query = select(notifications).where(*(notifications.c[k] == v for k, v in where.items()))
        with self._engine.connect() as conn:
            return list(conn.execute(query.order_by(notifications.c.created_at)))

    def when(self, count, predicate=lambda row: True, **where):
        """The rows matching ``where`` and ``predicate`` once there are ``count`` of them (for wait_until)."""
        rows = [row for row in self.rows(**where) if predicate(row)]
        return rows if len(rows) == count else None

    def close(self):
        if self._engine is not None:
            self._engine.dispose()


@pytest.fixture
def messaging(system, config, smtp_server, tmp_path):
    messaging = Messaging(system, config, smtp_server, tmp_path)
    ISSUED.clear()
    yield messaging
    messaging.close()


def test_a_password_reset_mail_reaches_the_smtp_server_in_the_customers_language(messaging, smtp_server):
    messaging.start()
    payload = events.password_reset_requested(language="it", email="marco@example.it")
    messaging.publish("password_reset_requested", payload)
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "marco@example.it"
    assert mail["Subject"] == "Reimposta la password di Sportello"
    assert mail["From"] == "Sportello <no-reply@shop.example.it>"
    assert issued(payload) in mail.get_body(("plain",)).get_content()
    [row] = wait_until(lambda: messaging.rows(status=SENT))
    assert mail["Message-ID"] == f"<{row.id}@shop.example.it>"
    assert (row.customer_id, row.source_event_id) == (payload["customer_id"], payload["event_id"])
    assert LINK_MARKER in row.body and issued(payload) not in row.body  # the link is in the mail only


def test_a_password_reset_by_sms_lands_in_the_sms_file(messaging, smtp_server, tmp_path):
    messaging.start()
    payload = events.password_reset_requested(channel="sms", phone="+393401234567")
    messaging.publish("password_reset_requested", payload)
    outbox = tmp_path / "sms" / "outbox.jsonl"
    wait_until(outbox.exists)
    [sms] = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert sms["to"] == "+393401234567"
    assert issued(payload) in sms["body"]
    assert wait_until(lambda: messaging.rows(status=SENT, channel="sms"))
    assert smtp_server.messages() == []


def test_welcome_and_invitation_mails_in_english_and_italian(messaging, smtp_server):
    messaging.start()
    welcome = events.customer_registered(language="en", email="anna@example.com", customer_number="CUS-000101")
    invitation = events.employee_invited(language="it", email="luca@rossi.example.it")
    messaging.publish("customer_registered", welcome)
    messaging.publish("employee_invited", invitation)
    mails = {mail["To"]: mail for mail in smtp_server.wait_for(2)}
    assert mails["anna@example.com"]["Subject"] == "Welcome to Sportello"
    assert "CUS-000101" in mails["anna@example.com"].get_body(("plain",)).get_content()
    assert mails["luca@rossi.example.it"]["Subject"] == "Invito a rappresentare Rossi Utensili S.r.l. su Sportello"
    assert issued(invitation) in mails["luca@rossi.example.it"].get_body(("plain",)).get_content()


def test_the_same_event_delivered_twice_makes_one_mail(messaging, smtp_server):
    messaging.start()
    payload = events.password_reset_requested()
    for _ in range(2):
        messaging.publish("password_reset_requested", payload, wait=True)
    wait_until(lambda: messaging.rows(status=SENT))
    assert len(messaging.rows()) == 1  # one notification, and it is sent: no second mail can follow
    assert len(smtp_server.wait_for(1)) == 1


def test_nothing_is_lost_while_the_smtp_server_is_down(messaging, smtp_server, config):
    config["MAIL"]["smtp_port"] = free_port()  # nothing listens there
    messaging.start()
    reset = events.password_reset_requested(email="down@example.it")
    welcome = events.customer_registered(email="also-down@example.it")
    messaging.publish("password_reset_requested", reset)
    messaging.publish("customer_registered", welcome)
    waiting = wait_until(lambda: messaging.when(2, lambda row: row.attempts >= 1, status=PENDING))
    assert all("cannot connect" in row.last_error for row in waiting)
    messaging.system.stop()
    assert smtp_server.messages() == []

    config["MAIL"]["smtp_port"] = smtp_server.port  # the server is back
    messaging.start()
    mails = smtp_server.wait_for(2, timeout=15)
    assert sorted(mail["To"] for mail in mails) == ["also-down@example.it", "down@example.it"]
    assert issued(reset) in next(m for m in mails if m["To"] == "down@example.it").get_body(("plain",)).get_content()
    rows = wait_until(lambda: messaging.when(2, status=SENT))
    assert all(row.attempts >= 2 for row in rows)
    assert len(messaging.rows()) == 2 and len(smtp_server.messages()) == 2


def test_customer_erased_removes_the_personal_data_and_keeps_the_counts(messaging, smtp_server):
    messaging.start()
    customer = events.customer_registered(email="erase-me@example.it")
    customer_id = customer["customer_id"]
    messaging.publish("customer_registered", customer)
    messaging.publish("password_reset_requested", events.password_reset_requested(customer_id=customer_id,
                                                                                  email="erase-me@example.it"))
    messaging.publish("customer_registered", events.customer_registered(email="stays@example.it"))
    smtp_server.wait_for(3)
    wait_until(lambda: messaging.when(3, status=SENT))

    messaging.publish("customer_erased", events.customer_erased(customer_id), wait=True)
    erased = messaging.rows(customer_id=customer_id)
    assert len(erased) == 2
    assert all((row.recipient, row.subject, row.body, row.status) == ("", "", "", SENT) for row in erased)
    assert [row.recipient for row in messaging.rows() if row.customer_id != customer_id] == ["stays@example.it"]

    late = events.password_reset_requested(customer_id=customer_id, email="erase-me@example.it")
    messaging.publish("password_reset_requested", late, wait=True)  # overtaken by the erasure
    assert [row.status for row in messaging.rows(source_event_id=late["event_id"])] == [CANCELLED]
    assert len(smtp_server.messages()) == 3


def test_without_an_smtp_server_mail_is_written_as_eml_files(messaging, config, tmp_path):
    config["MAIL"] = {"transport": "file", "file_dir": str(tmp_path / "var" / "mail")}
    messaging.start()
    messaging.publish("customer_registered", events.customer_registered(language="it"))
    [eml] = wait_until(lambda: list((tmp_path / "var" / "mail").glob("*.eml")))
    assert b"Subject: Benvenuto su Sportello" in eml.read_bytes()
    assert b"From: Sportello <no-reply@sportello.local>" in eml.read_bytes()
