"""A downstream service that does not answer in time: the gateway answers 504 at once."""
import time

import eventlet

from services.chassis.rpc import rpc
from services.chassis.service import ServiceBase
from services.accounts.dependencies import accounts_database

REGISTRATION = {"email": "slow@example.it", "password": "long enough secret", "first_name": "S",
                "last_name": "Low", "accept_terms": True}


class StuckAccounts(ServiceBase):
    """Stands in for an accounts service whose worker hangs (a fault we cannot cause otherwise)."""

    name = "accounts"
    db = accounts_database()
    calls = []

    @rpc
    def register(self, payload, client_address=None):  # the gateway passes the caller's address (rate limit)
        StuckAccounts.calls.append(time.monotonic())
        eventlet.sleep(3)
        return {}


def test_a_hanging_service_gives_504_within_the_rpc_timeout(system, config, client):
    config["RPC_TIMEOUT"] = 1
    system.start("gateway")
    from nameko.runners import ServiceRunner

    from services.chassis.migrations import upgrade

    upgrade("accounts", config["DATABASE_URLS"]["accounts"])
    runner = ServiceRunner(config)
    runner.add_service(StuckAccounts)
    runner.start()
    system.runners.append(runner)

    started = time.monotonic()
    response = client.post("/api/v1/accounts", json=REGISTRATION)
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/service-timeout")
    assert elapsed < 2.5
