"""Scenarios 3 and 4: PostgreSQL restarted mid-stream (deploy/local/cluster.sh pg-restart); one replica
of orders and one of messaging killed with SIGKILL mid-stream and started again 5 s later, as an
orchestrator would (the other replica of each serves meanwhile)."""
import time

from tests.faults_cluster.stream import run_stream

REPLICA_AWAY_SECONDS = 5


def test_postgresql_restart_mid_stream_loses_nothing_and_doubles_nothing(cluster, shop, staff):
    def inject(fault):
        fault.at = time.monotonic()
        cluster.broker.sh("pg-restart")
        fault.over = time.monotonic()

    run_stream(cluster, shop, staff, "3 PostgreSQL restart", inject)


def test_kill_9_of_one_orders_and_one_messaging_replica_loses_nothing_and_doubles_nothing(cluster, shop, staff):
    victims = ("orders-1", "messaging-2")

    def inject(fault):
        pids = [cluster.processes[name].process.pid for name in victims]
        fault.notes.append(f"{', '.join(victims)} killed (pids {pids}), started again {REPLICA_AWAY_SECONDS} s later")
        fault.at = time.monotonic()
        for name in victims:
            cluster.processes[name].kill()
        time.sleep(REPLICA_AWAY_SECONDS)
        for name in victims:
            cluster.restart(name)
        fault.over = time.monotonic()

    run_stream(cluster, shop, staff, "4 kill -9 orders + messaging replica", inject)
    for name in victims:
        assert cluster.processes[name].running, f"{name} did not come back"
