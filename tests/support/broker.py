"""A RabbitMQ vhost of its own for each test, made and removed through the management API."""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import requests

BASE_AMQP_URI = os.environ.get("SPORTELLO_TEST_AMQP_URI") or os.environ.get(
    "AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"
)
MANAGEMENT_URL = os.environ.get("SPORTELLO_TEST_RABBIT_MANAGEMENT", "http://127.0.0.1:15672")


def _credentials() -> tuple[str, str]:
    parts = urlsplit(BASE_AMQP_URI)
    return parts.username or "guest", parts.password or "guest"


class Vhost:
    def __init__(self):
        self.name = f"sportello-test-{uuid.uuid4().hex[:12]}"
        self.auth = _credentials()
        self.api = f"{MANAGEMENT_URL}/api"

    @property
    def amqp_uri(self) -> str:
        parts = urlsplit(BASE_AMQP_URI)
        return urlunsplit((parts.scheme, parts.netloc, "/" + quote(self.name, safe=""), "", ""))

    def create(self) -> "Vhost":
        name = quote(self.name, safe="")
        requests.put(f"{self.api}/vhosts/{name}", auth=self.auth, timeout=10).raise_for_status()
        requests.put(
            f"{self.api}/permissions/{name}/{quote(self.auth[0], safe='')}",
            json={"configure": ".*", "write": ".*", "read": ".*"},
            auth=self.auth,
            timeout=10,
        ).raise_for_status()
        return self

    def delete(self) -> None:
        requests.delete(f"{self.api}/vhosts/{quote(self.name, safe='')}", auth=self.auth, timeout=10)

    def queue(self, name: str) -> dict:
        response = requests.get(
            f"{self.api}/queues/{quote(self.name, safe='')}/{quote(name, safe='')}", auth=self.auth, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def queues(self) -> list[dict]:
        response = requests.get(f"{self.api}/queues/{quote(self.name, safe='')}", auth=self.auth, timeout=10)
        response.raise_for_status()
        return response.json()
