"""Reset and activation links rest nowhere but in the recipient's mailbox (REVIEW R1, its secret part).

The whole shop runs (every service, the gateway, a real SMTP server, SMS to a file). A customer
asks for a password reset by e-mail, another by SMS, and a company administrator invites a
representative. The live tokens are read where the recipients read them (the SMTP mailbox and
the SMS file); then every database of every service (the raw bytes of each SQLite file and its
WAL, and every row of every table), every message still in any queue of the vhost (dead letters
included) and every log record, at DEBUG, are searched for them: none may hold one. Finally each
link is used, so the search cannot pass because the links were broken.
"""
from __future__ import annotations

import json
import logging
import re

from sqlalchemy import MetaData, select

from services.chassis.config import SERVICES
from services.chassis.database import make_engine
from services.chassis.tables import outbox_messages
from tests.accounts.conftest import COMPANY, PASSWORD, Accounts
from tests.messaging.http.conftest import configure_messaging
from tests.support.databases import USE_POSTGRESQL
from tests.support.fixtures import wait_until

NEW_PASSWORD = "lantern orchard 47 velvet"
LINK = re.compile(r"https?://[^\s\"'<>]+[?&]token=([A-Za-z0-9_-]+)")

# What the two events carry: the envelope, the person, and an opaque reference to the link.
RESET_KEYS = {"event_id", "occurred_at", "schema_version", "customer_id", "email", "first_name", "channel",
              "phone", "link_id", "expires_at", "language"}
INVITATION_KEYS = {"event_id", "occurred_at", "schema_version", "customer_id", "company_id", "company_name",
                   "email", "role", "invited_by", "link_id", "expires_at", "language"}


def mailed_link(smtp_server, to: str) -> str | None:
    for mail in smtp_server.messages():
        if mail["To"] == to:
            found = LINK.search(mail.get_body(("plain",)).get_content())
            if found:
                return found.group(0)
    return None


def texted_link(sms_file, to: str) -> str | None:
    if not sms_file.exists():
        return None
    for line in sms_file.read_text(encoding="utf-8").splitlines():
        sms = json.loads(line)
        found = LINK.search(sms["body"]) if sms["to"] == to else None
        if found:
            return found.group(0)
    return None


def token_of(link: str) -> str:
    return LINK.fullmatch(link).group(1)


# -- where a secret could rest ---------------------------------------------------------------
def database_files(directory) -> dict[str, bytes]:
    """Every SQLite file of the test with its WAL, shared-memory and journal files, byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())
            if path.is_file() and ".sqlite3" in path.name}


def table_rows(config) -> dict[str, str]:
    """Every row of every table of every service, as text: '<service>.<table>' -> the rows."""
    found = {}
    for service in SERVICES:
        engine = make_engine(config["DATABASE_URLS"][service])
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as conn:
                for table in metadata.sorted_tables:
                    rows = conn.execute(select(table))
                    found[f"{service}.{table.name}"] = "\n".join(repr(tuple(row)) for row in rows)
        finally:
            engine.dispose()
    return found


def queued_messages(vhost) -> dict[str, str]:
    """Every message left in every queue of the vhost (handler, retry, reply and dead-letter queues)."""
    return {queue["name"]: json.dumps(vhost.peek(queue["name"], queue["messages"]))
            for queue in vhost.queues() if queue.get("messages")}


def log_text(caplog) -> str:
    lines = [caplog.text]
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(record.exc_text or "")
    return "\n".join(lines)


def leaks(secrets: dict[str, str], places: dict[str, str | bytes]) -> dict[str, list[str]]:
    """secret name -> the places that hold it."""
    found = {}
    for name, secret in secrets.items():
        holders = [place for place, content in places.items()
                   if (secret.encode() if isinstance(content, bytes) else secret) in content]
        if holders:
            found[name] = holders
    return found


def outbox_payloads(config, event_type: str) -> list[dict]:
    engine = make_engine(config["DATABASE_URLS"]["accounts"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(outbox_messages.c.payload, outbox_messages.c.sent_at)
                                .where(outbox_messages.c.event_type == event_type)).all()
    finally:
        engine.dispose()
    return [dict(json.loads(payload), sent=sent_at is not None) for payload, sent_at in rows]


def pending_notifications(config) -> int:
    engine = make_engine(config["DATABASE_URLS"]["messaging"])
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=["notifications"])
        table = metadata.tables["notifications"]
        with engine.connect() as conn:
            return len(conn.execute(select(table.c.id).where(table.c.status == "pending")).all())
    finally:
        engine.dispose()


def test_reset_and_activation_tokens_rest_in_no_database_queue_or_log(system, client, config, smtp_server,
                                                                       vhost, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    configure_messaging(config, smtp_server, tmp_path)
    system.start(*SERVICES, "gateway")
    accounts = Accounts(client, config)
    assert accounts.register("anna@example.it").status_code == 201
    assert accounts.register("bruno@example.it", phone="+393401234567").status_code == 201
    assert accounts.register("boss@rossi.example.it", company=COMPANY).status_code == 201
    admin = accounts.as_user(accounts.token("boss@rossi.example.it"))

    assert client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"}).status_code == 202
    assert client.post("/api/v1/auth/password-reset", json={"phone": "+393401234567"}).status_code == 202
    invited = client.post("/api/v1/company/employees", json={"email": "luca@rossi.example.it", "role": "buyer"},
                          headers=admin)
    assert invited.status_code == 201, invited.text

    sms_file = tmp_path / "sms" / "outbox.jsonl"
    links = {
        "reset link by e-mail": wait_until(lambda: mailed_link(smtp_server, "anna@example.it"), timeout=20),
        "reset link by SMS": wait_until(lambda: texted_link(sms_file, "+393401234567"), timeout=20),
        "activation link": wait_until(lambda: mailed_link(smtp_server, "luca@rossi.example.it"), timeout=20),
    }
    secrets = {**links, **{name.replace("link", "token"): token_of(link) for name, link in links.items()}}
    # Everything has settled: every event relayed, every notification delivered.
    wait_until(lambda: all(event["sent"] for event_type in ("password_reset_requested", "employee_invited")
                           for event in outbox_payloads(config, event_type)), timeout=20)
    wait_until(lambda: pending_notifications(config) == 0, timeout=20)

    places: dict[str, str | bytes] = {}
    if not USE_POSTGRESQL:  # PostgreSQL's files are the server's; its rows are searched below
        files = database_files(tmp_path)
        assert {f"{service}.sqlite3" for service in SERVICES} <= set(files)
        places.update({f"file {name}": content for name, content in files.items()})
    places.update({f"table {name}": rows for name, rows in table_rows(config).items()})
    places.update({f"queue {name}": messages for name, messages in queued_messages(vhost).items()})
    places["logs"] = log_text(caplog)
    assert any(record.levelno == logging.DEBUG for record in caplog.records)  # it did log at DEBUG
    assert leaks(secrets, places) == {}

    # A dead-lettered copy of either event could not hold one: the payloads have no field for it.
    resets = outbox_payloads(config, "password_reset_requested")
    invitations = outbox_payloads(config, "employee_invited")
    assert len(resets) == 2 and len(invitations) == 1
    assert all(set(event) - {"sent"} == RESET_KEYS for event in resets)
    assert all(set(event) - {"sent"} == INVITATION_KEYS for event in invitations)
    assert {event["schema_version"] for event in resets + invitations} == {2}

    # The links work, end to end.
    for name in ("reset token by e-mail", "reset token by SMS"):
        confirmed = client.post("/api/v1/auth/password-reset/confirm",
                                json={"token": secrets[name], "password": NEW_PASSWORD})
        assert confirmed.status_code == 204, (name, confirmed.text)
    activated = client.post("/api/v1/auth/activate", json={"token": secrets["activation token"], "password": PASSWORD,
                                                           "first_name": "Luca", "last_name": "Neri"})
    assert activated.status_code == 200, activated.text
    assert accounts.login("anna@example.it", NEW_PASSWORD).status_code == 200
    assert accounts.login("bruno@example.it", NEW_PASSWORD).status_code == 200
    assert accounts.login("luca@rossi.example.it", PASSWORD).status_code == 200
    # Using them logged none of them either.
    assert leaks(secrets, {"logs": log_text(caplog)}) == {}
