import email
import email.policy
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from services.chassis.database import make_engine
from services.chassis.tables import outbox_messages
from tests.support.fixtures import wait_until
from tests.support.rpc import operator_rpc  # noqa: F401 (the accounts tests import it from here)

PASSWORD = "correct horse battery"
LINK_KINDS = {"password_reset_requested": "reset", "employee_invited": "activation"}


class Accounts:
    """Drives the accounts routes through the gateway, as a frontend would."""

    def __init__(self, client, config):
        self.client = client
        self.config = config

    def register(self, email, password=PASSWORD, **extra):
        body = {"email": email, "password": password, "first_name": extra.pop("first_name", "Anna"),
                "last_name": extra.pop("last_name", "Verdi"), "accept_terms": True, **extra}
        return self.client.post("/api/v1/accounts", json=body)

    def login(self, identifier, password=PASSWORD):
        return self.client.post("/api/v1/auth/login", json={"identifier": identifier, "password": password})

    def token(self, identifier, password=PASSWORD):
        response = self.login(identifier, password)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def as_user(self, token):
        return {"Authorization": f"Bearer {token}"}

    def events(self, event_type):
        """Events accounts committed to its outbox (what it publishes)."""
        engine = make_engine(self.config["DATABASE_URLS"]["accounts"])
        with engine.connect() as conn:
            rows = conn.execute(select(outbox_messages.c.payload).where(outbox_messages.c.event_type == event_type)
                                .order_by(outbox_messages.c.created_at)).scalars().all()
        engine.dispose()
        return [json.loads(row) for row in rows]

    def link(self, event_type, index=-1, **match):
        """The link of a reset or an invitation (the ``index``-th event matching ``match``), issued as
        messaging has it issued when it sends the message. Only where messaging does not run: each
        issue makes the one before stop working."""
        events = [event for event in self.events(event_type) if all(event[k] == v for k, v in match.items())]
        with operator_rpc(self.config) as rpc:
            return rpc.accounts.internal_issue_link(LINK_KINDS[event_type], events[index]["link_id"])["url"]


def token_of(link):
    return parse_qs(urlsplit(link).query)["token"][0]


def mailed_link(config, to, timeout=20.0):
    """The single-use link in the mail messaging sent to ``to`` (the file transport of the test's config)."""
    def found():
        for path in Path(config["MAIL"]["file_dir"]).glob("*.eml"):
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            link = re.search(r"https?://\S+[?&]token=[A-Za-z0-9_-]+", mail.get_body(("plain",)).get_content())
            if mail["To"] == to and link:
                return link.group(0)
        return None
    return wait_until(found, timeout=timeout)


@pytest.fixture
def accounts(system, client, config):
    system.start("accounts", "gateway")
    return Accounts(client, config)


COMPANY = {
    "name": "Ferramenta Rossi S.r.l.",
    "tax_id": "IT01234567890",
    "address": {"street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "country": "IT"},
}
STAFF_PASSWORD = "staff desk passphrase 2026"
