"""Retention: sent outbox rows and inbox rows leave after their days, unsent events never do.

On SQLite files and, with ``make test-postgresql``, on PostgreSQL databases.
"""
import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from services.chassis.config import PROJECT_ROOT
from services.chassis.database import make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from services.chassis.retention import Retention, prune
from services.chassis.tables import inbox_messages, outbox_messages
from tests.support.fixtures import wait_until

DAY = timedelta(days=1)


def fill(url: str) -> dict[str, set]:
    """Outbox and inbox rows of every age that matters; returns the ids that must survive."""
    now = utcnow()
    rows = {
        "sent 10 days ago": dict(sent=now - 10 * DAY, created=now - 10 * DAY),
        "sent 8 days ago": dict(sent=now - 8 * DAY, created=now - 8 * DAY),
        "sent 9 days ago": dict(sent=now - 9 * DAY, created=now - 9 * DAY),
        "sent 2 days ago": dict(sent=now - 2 * DAY, created=now - 2 * DAY),
        "unsent, 40 days old": dict(sent=None, created=now - 40 * DAY),
        "unsent, failing for 20 days": dict(sent=None, created=now - 20 * DAY, attempts=300),
    }
    ids = {name: str(uuid.uuid4()) for name in rows}
    inbox = {"seen 45 days ago": now - 45 * DAY, "seen 31 days ago": now - 31 * DAY, "seen 29 days ago": now - 29 * DAY,
             "seen today": now}
    inbox_ids = {name: str(uuid.uuid4()) for name in inbox}
    engine = make_engine(url)
    with engine.begin() as conn:
        for name, row in rows.items():
            conn.execute(insert(outbox_messages).values(
                event_id=ids[name], event_type="order_placed", payload=json.dumps({"name": name}), headers="{}",
                created_at=row["created"], next_attempt_at=row["created"], attempts=row.get("attempts", 0),
                sent_at=row["sent"]))
        for name, received in inbox.items():
            conn.execute(insert(inbox_messages).values(event_id=inbox_ids[name], handler="returns.on_delivered",
                                                       received_at=received))
    engine.dispose()
    return {
        "outbox kept": {ids[n] for n in ("sent 2 days ago", "unsent, 40 days old", "unsent, failing for 20 days")},
        "inbox kept": {inbox_ids["seen 29 days ago"], inbox_ids["seen today"]},
    }


def remaining(url: str) -> tuple[set, set]:
    engine = make_engine(url)
    with engine.connect() as conn:
        outbox = set(conn.execute(select(outbox_messages.c.event_id)).scalars())
        inbox = set(conn.execute(select(inbox_messages.c.event_id)).scalars())
    engine.dispose()
    return outbox, inbox


def test_prune_removes_only_sent_outbox_rows_and_inbox_rows_past_their_days(databases):
    url = databases.url("orders")
    upgrade("orders", url)
    expected = fill(url)
    engine = make_engine(url)
    try:
        # Batches of two: three old sent rows and two old inbox rows take more than one batch each.
        removed = prune(sessionmaker(engine), Retention(outbox_sent_days=7, inbox_days=30, batch_size=2))
    finally:
        engine.dispose()
    assert removed == (3, 2)
    assert remaining(url) == (expected["outbox kept"], expected["inbox kept"])


def test_zero_days_keeps_everything(databases):
    url = databases.url("orders")
    upgrade("orders", url)
    fill(url)
    before = remaining(url)
    engine = make_engine(url)
    try:
        assert prune(sessionmaker(engine), Retention.from_config({"outbox_sent_days": 0, "inbox_days": 0})) == (0, 0)
    finally:
        engine.dispose()
    assert remaining(url) == before


def test_a_running_service_prunes_its_own_database(system, config):
    url = config["DATABASE_URLS"]["returns"]
    upgrade("returns", url)
    expected = fill(url)
    config["RETENTION"] = {"outbox_sent_days": 7, "inbox_days": 30, "interval_seconds": 3600, "batch_size": 1000}
    system.start("returns")  # the first pass runs at start, the next an hour later
    wait_until(lambda: remaining(url) == (expected["outbox kept"], expected["inbox kept"]), timeout=15)


def test_sportello_prune_command(databases, tmp_path):
    url = databases.url("messaging")
    upgrade("messaging", url)
    expected = fill(url)
    env = dict(os.environ, SPORTELLO_VAR_DIR=str(tmp_path / "var"), MESSAGING_DATABASE_URL=url,
               SPORTELLO_INBOX_KEEP_DAYS="30")
    result = subprocess.run([sys.executable, "-m", "services.chassis.cli", "prune", "messaging", "--outbox-days", "3"],
                            env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "messaging: removed 3 sent outbox rows, 2 inbox rows"
    assert remaining(url) == (expected["outbox kept"], expected["inbox kept"])

    unknown = subprocess.run([sys.executable, "-m", "services.chassis.cli", "prune", "billing"], env=env,
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "unknown service(s) billing" in unknown.stderr
