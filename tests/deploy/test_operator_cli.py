"""The operator CLI as operators and container probes run it: a subprocess against real databases and RabbitMQ."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert

from services.chassis.cli import import_service
from services.chassis.config import PROJECT_ROOT, SERVICES
from services.chassis.database import make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from services.chassis.queues import declare_queues
from services.chassis.tables import outbox_messages
from tests.support.fixtures import wait_until


def sportello(*args, env=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.chassis.cli", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=timeout)


def environment(tmp_path, databases=None, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env["SPORTELLO_VAR_DIR"] = str(tmp_path / "var")
    for name, url in (databases or {}).items():
        env[f"{name.upper()}_DATABASE_URL"] = url
    env.update(extra)
    return env


# -- --help ----------------------------------------------------------------------
COMMANDS = [(), ("run",), ("serve",), ("migrate",), ("status",), ("declare-queues",), ("dlq",), ("outbox",),
            ("outbox", "status"), ("prune",), ("probe",), ("asyncapi",), ("create-staff",), ("catalog",),
            ("catalog", "import"), ("catalog", "generate")]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "sportello")
def test_every_command_explains_itself(command):
    result = sportello(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: sportello {' '.join(command)}".rstrip())
    assert "-h, --help" in result.stdout


def test_the_top_level_help_lists_every_command():
    text = sportello("--help").stdout
    for command in ("run", "serve", "migrate", "status", "declare-queues", "dlq", "outbox", "prune", "probe",
                    "asyncapi", "create-staff", "catalog"):
        assert command in text


# -- outbox status ---------------------------------------------------------------
def add_outbox_row(url, event_type, *, age_seconds=0.0, attempts=0, retry_in=0.0, sent=False, error=None):
    now = utcnow()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(outbox_messages).values(
            event_id=str(uuid.uuid4()), event_type=event_type, payload="{}", headers="{}",
            created_at=now - timedelta(seconds=age_seconds), next_attempt_at=now + timedelta(seconds=retry_in),
            attempts=attempts, last_error=error, sent_at=now if sent else None))
    engine.dispose()


def test_outbox_status_counts_pending_aged_and_failing_events_per_service(databases, tmp_path):
    urls = {name: databases.url(name) for name in ("accounts", "orders")}
    for name, url in urls.items():
        upgrade(name, url)
    add_outbox_row(urls["accounts"], "customer_registered", age_seconds=300, sent=True)
    add_outbox_row(urls["accounts"], "customer_registered", age_seconds=5)
    add_outbox_row(urls["accounts"], "customer_erased", age_seconds=120, attempts=3, retry_in=30,
                   error="ConnectionRefusedError: [Errno 111] Connection refused")
    env = environment(tmp_path, urls)

    result = sportello("outbox", "status", "--json", "accounts", "orders", env=env)
    assert result.returncode == 0, result.stderr
    accounts, orders = json.loads(result.stdout)
    assert accounts["service"] == "accounts" and accounts["error"] is None
    assert (accounts["pending"], accounts["failing"], accounts["backing_off"], accounts["max_attempts"]) == (2, 1, 1, 3)
    assert 119 <= accounts["oldest_pending_seconds"] < 180
    assert accounts["last_error"].startswith("ConnectionRefusedError")
    assert (orders["pending"], orders["oldest_pending_seconds"], orders["failing"]) == (0, None, 0)

    table = sportello("outbox", "status", "accounts", "orders", env=env)
    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["service", "pending", "oldest"]
    assert lines[1].split()[:6] == ["accounts", "2", lines[1].split()[2], "1", "1", "3"]
    assert "Connection refused" in lines[1] and lines[2].split()[:2] == ["orders", "0"]

    # A monitoring check: fails once an event has waited longer than allowed.
    assert sportello("outbox", "status", "accounts", "--max-age", "60", env=env).returncode == 1
    assert sportello("outbox", "status", "accounts", "--max-age", "600", env=env).returncode == 0


def test_outbox_status_fails_on_a_database_it_cannot_read_and_on_a_wrong_name(databases, tmp_path):
    url = databases.url("returns")  # exists on PostgreSQL, not migrated; a missing file on SQLite
    env = environment(tmp_path, {"returns": url})
    result = sportello("outbox", "status", "--json", "returns", env=env)
    assert result.returncode == 1
    (returns,) = json.loads(result.stdout)
    assert returns["error"]
    if url.startswith("sqlite"):
        assert not os.path.exists(url.removeprefix("sqlite:///")), "a status command must not create databases"
    wrong = sportello("outbox", "status", "shipping", env=env)
    assert wrong.returncode == 2 and "unknown service" in wrong.stderr


def test_outbox_status_defaults_to_every_service(databases, tmp_path):
    urls = {name: databases.url(name) for name in SERVICES}
    for name, url in urls.items():
        upgrade(name, url)
    result = sportello("outbox", "status", "--json", env=environment(tmp_path, urls))
    assert result.returncode == 0, result.stderr
    assert [s["service"] for s in json.loads(result.stdout)] == list(SERVICES)


# -- probe: the heartbeat of `sportello serve` -------------------------------------
def test_the_probe_follows_a_served_process_from_start_to_stop(vhost, databases, tmp_path):
    url = databases.url("catalog")
    upgrade("catalog", url)
    declare_queues(vhost.amqp_uri, [import_service("catalog")])  # the operator's exchanges, as `sportello run` does
    probe_dir = tmp_path / "probe"
    env = environment(tmp_path, {"catalog": url}, AMQP_URI=vhost.amqp_uri, SPORTELLO_PROBE_DIR=str(probe_dir),
                      SPORTELLO_IDENTITY_SECRET="test-only-identity-secret-of-32-characters")
    assert sportello("probe", "catalog", env=env).returncode == 1  # nothing runs yet

    served = subprocess.Popen([sys.executable, "-m", "services.chassis.cli", "serve", "catalog"], env=env,
                              cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: (probe_dir / "sportello-catalog.heartbeat").exists() or served.poll() is not None,
                   timeout=60)
        assert served.poll() is None, served.stderr.read()
        alive = sportello("probe", "catalog", "--max-age", "10", env=env)
        assert alive.returncode == 0 and alive.stdout.startswith("catalog: alive"), alive.stderr
        first = (probe_dir / "sportello-catalog.heartbeat").stat().st_mtime
        wait_until(lambda: (probe_dir / "sportello-catalog.heartbeat").stat().st_mtime > first, timeout=10)
        # Another service's probe in the same container says nothing about this one.
        assert sportello("probe", "orders", env=env).returncode == 1

        served.send_signal(signal.SIGTERM)
        assert served.wait(timeout=30) == 0
        stopped = sportello("probe", "catalog", env=env)
        assert stopped.returncode == 1 and "no heartbeat" in stopped.stderr
    finally:
        if served.poll() is None:
            served.kill()
            served.wait()


def test_a_stale_heartbeat_fails_the_probe(tmp_path):
    env = environment(tmp_path, SPORTELLO_PROBE_DIR=str(tmp_path))
    heartbeat = tmp_path / "sportello-orders.heartbeat"
    heartbeat.touch()
    assert sportello("probe", "orders", "--quiet", env=env).returncode == 0
    old = time.time() - 45
    os.utime(heartbeat, (old, old))
    stale = sportello("probe", "orders", env=env)
    assert stale.returncode == 1 and "more than 30s" in stale.stderr
    assert sportello("probe", "orders", "--max-age", "60", "--quiet", env=env).returncode == 0
