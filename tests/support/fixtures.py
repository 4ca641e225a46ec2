"""The test harness: real RabbitMQ (a vhost per test), real databases, services in-process."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import eventlet
import pytest
from nameko.runners import ServiceRunner

from services.chassis.cli import import_service
from services.chassis.config import SERVICES, load_settings, nameko_config
from services.chassis.migrations import upgrade
from services.chassis.queues import declare_queues
from services.chassis.retry import DEFAULT_RETRY_DELAYS
from tests.support.broker import Vhost
from tests.support.databases import TestDatabases
from tests.support.http import GatewayClient
from tests.support.smtp import SmtpCapture, free_port


@pytest.fixture
def vhost():
    vhost = Vhost().create()
    yield vhost
    vhost.delete()


@pytest.fixture
def databases(tmp_path):
    dbs = TestDatabases(tmp_path)
    yield dbs
    dbs.drop_all()


@pytest.fixture
def config(vhost, databases, tmp_path):
    """The nameko config a test's services run with; tests may change it before starting them."""
    # SPORTELLO_QUEUE_TYPE=quorum in the environment runs the whole harness on quorum queues.
    settings = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path / "var"),
                              "SPORTELLO_QUEUE_TYPE": os.environ.get("SPORTELLO_QUEUE_TYPE", "")})
    config = nameko_config(settings)
    # The test's own config is the operator's: tests publish and inspect with it, and test-only
    # services they start declare what they need. System.start gives each role its own user.
    config["AMQP_URI"] = vhost.amqp_uri
    config.pop("DECLARE_EVENT_EXCHANGES", None)
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{free_port()}"
    config["DATABASE_URLS"] = {name: databases.url(name) for name in SERVICES}
    config["RPC_TIMEOUT"] = 5
    config["HEALTH_TIMEOUT"] = 1
    config["OUTBOX_RELAY"] = {"enabled": True, "poll_interval": 0.2, "batch_size": 100, "lease_seconds": 30}
    return config


@dataclass
class System:
    """Services started for one test; stopped (gracefully, then killed) at its end.

    As in production, the operator declares the exchanges and queues first and every service
    and the gateway then runs as its own broker user (``Vhost.role_uri``), so a test fails when
    a process needs a right its grant does not give.
    """

    config: dict
    vhost: Vhost | None = None
    runners: list = field(default_factory=list)

    def start(self, *names: str) -> None:
        for name in names:
            if name != "gateway":
                upgrade(name, self.config["DATABASE_URLS"][name])
        declare_queues(self.config["AMQP_URI"], [import_service(name) for name in SERVICES],
                       retry_delays=self.config.get("EVENT_RETRY_DELAYS", DEFAULT_RETRY_DELAYS),
                       queue_type=self.config.get("QUEUE_TYPE", "classic"))
        runners = []
        for name in names:
            runner = ServiceRunner(self.role_config(name))
            runner.add_service(import_service(name))
            runners.append(runner)
        for runner in runners:
            runner.start()
            self.runners.append(runner)

    def start_replica(self, name: str) -> None:
        """One more instance of a running service, as a second pod or process would be: its own
        container, broker connections and database pool, consuming the same queues."""
        assert any(runner.service_map.get(name) for runner in self.runners), f"{name} is not running"
        self.start(name)

    def role_config(self, name: str) -> dict:
        if self.vhost is None:
            return self.config
        return {**self.config, "AMQP_URI": self.vhost.role_uri(name), "DECLARE_EVENT_EXCHANGES": False}

    def stop(self) -> None:
        for runner in reversed(self.runners):
            with eventlet.Timeout(20, False):
                runner.stop()
                continue
            runner.kill()
        self.runners.clear()

    @property
    def gateway_url(self) -> str:
        return f"http://{self.config['WEB_SERVER_ADDRESS']}"


@pytest.fixture
def system(config, vhost):
    system = System(config, vhost)
    yield system
    system.stop()


@pytest.fixture
def client(system):
    with GatewayClient(system.gateway_url) as session:
        yield session


@pytest.fixture
def smtp_server(tmp_path):
    server = SmtpCapture(tmp_path / "mail").start()
    yield server
    server.stop()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll ``predicate`` until it returns a truthy value; fail with the last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        eventlet.sleep(interval)
        value = predicate()
    assert value, f"condition not met within {timeout}s"
    return value
