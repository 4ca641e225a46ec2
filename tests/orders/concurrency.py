"""Two requests at the same moment, and what they published: for the tests of concurrent changes."""
from __future__ import annotations

import json
import uuid

import eventlet
import pytest
from kombu import Connection

from tests.support.http import GatewayClient


class EventTap:
    """A queue of the test's own bound to one event of a service's exchange (declared by the operator)."""

    def __init__(self, amqp_uri: str, service: str, event_type: str):
        self.amqp_uri, self.name = amqp_uri, f"test-tap-{uuid.uuid4().hex[:8]}"
        with Connection(amqp_uri) as connection:
            channel = connection.channel()
            channel.queue_declare(self.name, durable=False, auto_delete=False)
            channel.queue_bind(self.name, f"{service}.events", event_type)

    def drain(self) -> list[dict]:
        found = []
        with Connection(self.amqp_uri) as connection:
            channel = connection.channel()
            while (message := channel.basic_get(self.name, no_ack=True)) is not None:
                found.append(json.loads(message.body))
        return found


def side_by_side(clients, posts: list[tuple[str, dict | None]], headers: dict) -> list:
    """Each (path, body) POSTed at the same moment, each on its own connection; the responses in order."""
    threads = [eventlet.spawn(client.post, path, json=body, headers=headers)
               for client, (path, body) in zip(clients, posts)]
    return [thread.wait() for thread in threads]


@pytest.fixture
def clients(system):
    """Two gateway clients: two staff members' browsers, each with its own connection."""
    pair = [GatewayClient(system.gateway_url), GatewayClient(system.gateway_url)]
    yield pair
    for each in pair:
        each.close()
