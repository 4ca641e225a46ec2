import json

import pytest
from sqlalchemy import select

from services.chassis.database import make_engine
from services.chassis.tables import outbox_messages

PASSWORD = "correct horse battery"


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
