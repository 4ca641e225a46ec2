"""The broker nodes the gateway can fail over to, as ``/health`` reports them.

``AMQP_URI`` may list several nodes of one RabbitMQ cluster (kombu's failover form,
``amqp://u:p@h:5701/;amqp://u:p@h:5702/``). Each is asked on its own: a node is ``up`` when it
accepts the gateway's own login, and RabbitMQ's connection properties name its ``cluster``
(every node of one cluster gives the same name; a node that left it gives its own). The answers
are kept a few seconds: ``/health`` is polled, and three logins per poll are not free.
"""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection

from services.chassis.broker_identities import failover_uris

log = logging.getLogger(__name__)

CACHE_SECONDS = 5.0


def node_address(amqp_uri: str) -> str:
    parts = urlsplit(amqp_uri)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or 5672}"


def ask_node(amqp_uri: str, timeout: float) -> dict:
    state = {"address": node_address(amqp_uri), "status": "down", "cluster": None}
    connection = Connection(amqp_uri, connect_timeout=timeout)
    try:
        with eventlet.Timeout(timeout):
            connection.connect()
            properties = connection.connection.server_properties
            state.update(status="up", cluster=_text(properties.get("cluster_name")),
                         version=_text(properties.get("version")))
    except (Exception, eventlet.Timeout) as exc:  # any failure means "down", never a broken /health
        state["error"] = type(exc).__name__
    finally:
        try:
            connection.collect() if state["status"] == "down" else connection.release()
        except Exception:
            pass
    return state


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class BrokerNodes:
    """Each node of AMQP_URI: up or down, and its cluster's name; asked at most every few seconds."""

    def __init__(self, ttl: float = CACHE_SECONDS):
        self.ttl = ttl
        self.seen: tuple[float, list[dict]] | None = None
        self.lock = Semaphore()

    def states(self, amqp_uri: str, timeout: float) -> list[dict]:
        if self.seen is not None and time.monotonic() - self.seen[0] < self.ttl:
            return self.seen[1]
        with self.lock:  # one greenthread asks; the others wait for its answer
            if self.seen is None or time.monotonic() - self.seen[0] >= self.ttl:
                pile = eventlet.GreenPile()
                for uri in failover_uris(amqp_uri):
                    pile.spawn(ask_node, uri, timeout)
                self.seen = (time.monotonic(), list(pile))
            return self.seen[1]


BROKER_NODES = BrokerNodes()


def broker_summary(amqp_uri: str, timeout: float) -> dict:
    nodes = BROKER_NODES.states(amqp_uri, timeout)
    clusters = {node["cluster"] for node in nodes if node["status"] == "up"}
    return {"nodes": nodes, "running": sum(node["status"] == "up" for node in nodes),
            "clusters": len(clusters)}
