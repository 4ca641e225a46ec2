"""A terminal's Ctrl-C stops `sportello run` (what `make run` calls) promptly.

A terminal sends SIGINT to its whole foreground process group: the launcher *and* every
service get it directly, and then each service gets the launcher's SIGTERM as well. Each
process must stop within its grace period, none be killed.
"""
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

STOP_WITHIN_SECONDS = 10


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=3).status_code == 200
    except requests.RequestException:
        return False


def test_sigint_to_the_whole_process_group_stops_every_process_within_seconds(vhost, databases, tmp_path):
    port = free_port()
    env = dict(os.environ, AMQP_URI=vhost.amqp_uri, SPORTELLO_VAR_DIR=str(tmp_path / "var"),
               GATEWAY_ADDRESS=f"127.0.0.1:{port}")
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = databases.url(name)
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        # Its own session and process group, as a terminal's job is.
        process = subprocess.Popen([sys.executable, "-m", "services.chassis.cli", "run", "--no-demo",
                                    "--startup-timeout", "90"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    pgid = process.pid
    try:
        wait_until(lambda: healthy(port) or process.poll() is not None, timeout=90, interval=0.5)
        assert process.poll() is None, log.read_text()
        # /health names each service's processes (one each here) and the broker node AMQP_URI names.
        body = requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
        assert {name: state["instances"] for name, state in body["services"].items()} == {n: 1 for n in SERVICES}
        assert [node["status"] for node in body["broker"]["nodes"]] == ["up"] and body["broker"]["clusters"] == 1
        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C does
        started = time.monotonic()
        process.wait(timeout=STOP_WITHIN_SECONDS + 15)
        wait_until(lambda: not group_alive(pgid), timeout=5, interval=0.1)
        took = time.monotonic() - started
    finally:
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        process.wait(timeout=10)
        for name in (*SERVICES, "gateway"):
            vhost.admin.delete_user(role_user(name, vhost.name))
    output = log.read_text()
    assert "killing it" not in output, output  # every process stopped by itself
    assert took < STOP_WITHIN_SECONDS, f"stopped in {took:.1f}s\n{output}"
    assert "sportello: stopped" in output
    assert process.returncode == 0, output
