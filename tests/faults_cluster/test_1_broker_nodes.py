"""Scenarios 1 and 2: one RabbitMQ node of three lost mid-stream, the node most client connections use
(management API /api/connections): SIGKILL (deploy/local/cluster.sh kill-node), then a graceful stop
(cluster.sh stop-node); the node is started again 10 s later, as an operator would."""
import time

from tests.faults_cluster.stream import run_stream

NODE_AWAY_SECONDS = 10


def node_lost(cluster, how: str):
    def inject(fault):
        connections = cluster.broker.connections_by_node()
        node = connections.most_common(1)[0][0]
        fault.notes.append(f"node {node} ({connections[node]} of {sum(connections.values())} connections)")
        fault.at = time.monotonic()
        cluster.broker.sh(how, str(node))
        time.sleep(NODE_AWAY_SECONDS)
        cluster.broker.sh("start-node", str(node))
        fault.over = time.monotonic()
    return inject


def test_kill_9_of_the_busiest_node_mid_stream_loses_nothing_and_doubles_nothing(cluster, shop, staff):
    run_stream(cluster, shop, staff, "1 kill -9 busiest RabbitMQ node", node_lost(cluster, "kill-node"))


def test_graceful_stop_of_the_busiest_node_mid_stream_loses_nothing_and_doubles_nothing(cluster, shop, staff):
    run_stream(cluster, shop, staff, "2 graceful stop of busiest node", node_lost(cluster, "stop-node"))
