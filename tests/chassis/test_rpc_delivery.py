"""RPC under a broken connection: a request runs at most once, and the service stays up.

When the connection of the worker that took a request breaks before its ack, RabbitMQ hands the
request out again; the first run may have committed, so the redelivery must be refused (503 to
whoever still waits), never run a second time.
"""
import time
from urllib.parse import quote

import eventlet
import pytest
import requests
from nameko.exceptions import RemoteError
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy

from services.chassis.rpc import Liveness, rpc
from tests.support.tcp_relay import TcpRelay
from tests.support.fixtures import wait_until

RUNS: list[str] = []
CUT = {"done": False}


class SlowCounter:
    name = "slow_counter"

    @rpc
    def bump(self, key):
        RUNS.append(key)
        for _ in range(200):  # the first call holds its request until the test has cut the connection
            if CUT["done"] or key == "probe":
                break
            eventlet.sleep(0.05)
        return len(RUNS)


@pytest.fixture
def counter(config):
    RUNS.clear()
    CUT["done"] = False
    runner = ServiceRunner(config)
    runner.add_service(SlowCounter)
    runner.start()
    yield runner
    runner.stop()


def close_connections(vhost, at_least: int = 2) -> int:
    api = vhost.api

    def listed():  # the management API lists a connection a moment after it opens
        found = requests.get(f"{api}/vhosts/{quote(vhost.name, safe='')}/connections", auth=vhost.auth,
                             timeout=10).json()
        return found if len(found) >= at_least else None

    connections = wait_until(listed, timeout=15)
    for connection in connections:
        requests.delete(f"{api}/connections/{quote(connection['name'], safe='')}", auth=vhost.auth, timeout=10)
    return len(connections)


def test_a_request_redelivered_after_a_cut_connection_is_refused_not_run_twice(counter, config, vhost):
    config = dict(config, RPC_TIMEOUT=30)  # no expiry: the redelivery must be refused on its own merits
    with ClusterRpcProxy(config, timeout=20) as cluster:
        reply = cluster.slow_counter.bump.call_async("order-1")
        wait_until(lambda: RUNS == ["order-1"], timeout=10)
        close_connections(vhost)  # the service's and the caller's
        CUT["done"] = True
        try:
            reply.result()  # the first run's answer, if the caller's reply queue survived the cut
        except (RemoteError, Exception):
            pass  # or the 503 refusing the redelivery, or a lost reply queue: the caller may retry
    # The service reconnects by itself, and the request it had taken is handed out again and refused.
    with ClusterRpcProxy(config, timeout=20) as cluster:
        assert wait_until(lambda: _ping(cluster), timeout=20)
    eventlet.sleep(1.5)
    assert RUNS[0] == "order-1" and RUNS.count("order-1") == 1 and "probe" in RUNS


def _ping(cluster) -> bool:
    try:
        return cluster.slow_counter.bump("probe") >= 1
    except Exception:
        return False


def test_the_liveness_question_is_bounded_when_the_broker_stops_answering(counter, config):
    relay = TcpRelay(config["AMQP_URI"])
    liveness = Liveness(ttl=0, ask_timeout=1)
    try:
        assert liveness.consumers(relay.amqp_uri, "slow_counter") == 1

        relay.stalled = True
        started = time.monotonic()
        with eventlet.Timeout(10):  # without the bound the question waits for ever
            answer = liveness.consumers(relay.amqp_uri, "slow_counter")
        assert answer is None  # "cannot tell": the call goes ahead and meets its own RPC timeout
        assert time.monotonic() - started < 3

        relay.stalled = False  # the stuck connection was dropped and the one-asker lock is free again
        assert liveness.consumers(relay.amqp_uri, "slow_counter") == 1
    finally:
        relay.close()
