"""`sportello run` (what `make run` calls): starts everything, turns healthy, stops on SIGTERM."""
import os
import signal
import subprocess
import sys
import time

import requests

from services.chassis.broker_identities import role_user
from services.chassis.config import SERVICES
from tests.support.fixtures import wait_until
from tests.support.smtp import free_port


def connected_users(vhost) -> set[str]:
    response = requests.get(f"{vhost.api}/vhosts/{vhost.name}/connections", auth=vhost.auth, timeout=10)
    response.raise_for_status()
    return {connection["user"] for connection in response.json()}


def test_run_brings_health_to_200_and_stops_cleanly_on_sigterm(vhost, databases, tmp_path):
    port = free_port()
    env = dict(os.environ, AMQP_URI=vhost.amqp_uri, SPORTELLO_VAR_DIR=str(tmp_path / "var"),
               GATEWAY_ADDRESS=f"127.0.0.1:{port}")
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = databases.url(name)
    process = subprocess.Popen([sys.executable, "-m", "services.chassis.cli", "run", "--startup-timeout", "90"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/health", timeout=3)
                status = response.status_code
                if status == 200:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.5)
        assert status == 200
        assert set(response.json()["services"]) == set(SERVICES)
        # `sportello run` made each process's broker user itself and started each child as it.
        roles = {name: role_user(name, vhost.name) for name in (*SERVICES, "gateway")}
        passwords = tmp_path / "var" / "broker"
        assert sorted(p.name for p in passwords.iterdir()) == sorted(f"{name}.password" for name in roles)
        assert {p.stat().st_mode & 0o777 for p in passwords.iterdir()} == {0o600}
        wait_until(lambda: connected_users(vhost) == set(roles.values()), timeout=20, interval=0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        for name in (*SERVICES, "gateway"):
            vhost.admin.delete_user(role_user(name, vhost.name))
    assert process.returncode == 0, output
    assert "sportello: stopped" in output
    assert "killing it" not in output  # every process stopped within its grace period


def test_demo_data_is_loaded_through_the_api_and_loading_twice_changes_nothing(system, tmp_path):
    from services.chassis.config import load_settings
    from services.chassis.demo import DEMO_CUSTOMERS, DEMO_STAFF, load_demo

    system.start("accounts", "catalog", "gateway")
    settings = load_settings({"GATEWAY_ADDRESS": system.config["WEB_SERVER_ADDRESS"],
                              "SPORTELLO_VAR_DIR": str(tmp_path),
                              "ACCOUNTS_DATABASE_URL": system.config["DATABASE_URLS"]["accounts"],
                              "CATALOG_DATABASE_URL": system.config["DATABASE_URLS"]["catalog"]})
    first = load_demo(settings)
    second = load_demo(settings)
    assert len(first) == len(second) == len(DEMO_CUSTOMERS) + len(DEMO_STAFF) + 1  # + the catalog's line
    assert "(300 new), 6 services new" in first[-1] or "(300 new), 6 services new" in "".join(first)
    assert "(0 new), 0 services new" in "".join(second)  # the second load changes nothing
    from sqlalchemy import func, select

    from services.accounts.adapters.orm import customers
    from services.chassis.database import make_engine

    with make_engine(system.config["DATABASE_URLS"]["accounts"]).connect() as conn:
        assert conn.execute(select(func.count()).select_from(customers)).scalar_one() == len(DEMO_CUSTOMERS) + len(DEMO_STAFF)
