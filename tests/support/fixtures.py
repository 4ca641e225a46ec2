"""The test harness: real RabbitMQ (a vhost per test), real databases, services in-process."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import eventlet
import pytest
from nameko.runners import ServiceRunner

from services.chassis.cli import import_service
from services.chassis.config import SERVICES, load_settings, nameko_config
from services.chassis.migrations import upgrade
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
    settings = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path / "var")})
    config = nameko_config(settings)
    config["AMQP_URI"] = vhost.amqp_uri
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{free_port()}"
    config["DATABASE_URLS"] = {name: databases.url(name) for name in SERVICES}
    config["RPC_TIMEOUT"] = 5
    config["HEALTH_TIMEOUT"] = 1
    config["OUTBOX_RELAY"] = {"enabled": True, "poll_interval": 0.2, "batch_size": 100, "lease_seconds": 30}
    return config


@dataclass
class System:
    """Services started for one test; stopped (gracefully, then killed) at its end."""

    config: dict
    runners: list = field(default_factory=list)

    def start(self, *names: str) -> None:
        for name in names:
            if name != "gateway":
                upgrade(name, self.config["DATABASE_URLS"][name])
        runner = ServiceRunner(self.config)
        for name in names:
            runner.add_service(import_service(name))
        runner.start()
        self.runners.append(runner)

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
def system(config):
    system = System(config)
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
