"""A RabbitMQ vhost of its own for each test, made and removed through the management API.

The test's own user (the operator's, ``guest`` locally) has every right on the vhost, as the
operator's has in production. The services and the gateway a test starts connect as their own
broker users instead (``role_uri``), with the grants of :mod:`services.chassis.broker_identities`:
one user per role for the whole test session, granted on each vhost that starts that role.
"""
from __future__ import annotations

import atexit
import os
import secrets
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


class RoleUsers:
    """One broker user per process role for this test session (removed when it ends)."""

    def __init__(self):
        self.session = uuid.uuid4().hex[:8]
        self.passwords: dict[str, str] = {}
        self.grants: dict | None = None

    def user(self, role: str) -> str:
        return f"sportello-test-{self.session}-{role}"

    def ensure(self, admin, role: str) -> tuple[str, str]:
        if role not in self.passwords:
            password = secrets.token_urlsafe(18)
            admin.ensure_user(self.user(role), password)
            if not self.passwords:
                atexit.register(self.delete_all, admin)
            self.passwords[role] = password
        return self.user(role), self.passwords[role]

    def grant_for(self, role: str):
        if self.grants is None:
            from services.chassis.broker_identities import role_grants

            self.grants = role_grants()
        return self.grants[role]

    def delete_all(self, admin) -> None:
        for role in self.passwords:
            admin.delete_user(self.user(role))


ROLE_USERS = RoleUsers()


class Vhost:
    def __init__(self):
        self.name = f"sportello-test-{uuid.uuid4().hex[:12]}"
        self.auth = _credentials()
        self.api = f"{MANAGEMENT_URL}/api"
        self.granted: set[str] = set()

    @property
    def admin(self):
        from services.chassis.broker_identities import BrokerAdmin

        return BrokerAdmin(MANAGEMENT_URL, self.auth)

    def uri_for(self, user: str, password: str) -> str:
        from services.chassis.broker_identities import uri_with_credentials

        return uri_with_credentials(self.amqp_uri, user, password)

    def role_uri(self, role: str) -> str:
        """The AMQP URI of a Sportello process role (a service's name or ``gateway``) on this vhost."""
        user, password = ROLE_USERS.ensure(self.admin, role)
        if role not in self.granted:
            self.admin.grant(self.name, user, ROLE_USERS.grant_for(role))
            self.granted.add(role)
        return self.uri_for(user, password)

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

    def peek(self, queue: str, count: int) -> list[dict]:
        """Up to ``count`` messages of ``queue`` as the management API shows them (payload, properties,
        headers), put back where they were (``ack_requeue_true``): a look that leaves the queue as it was."""
        response = requests.post(
            f"{self.api}/queues/{quote(self.name, safe='')}/{quote(queue, safe='')}/get",
            json={"count": count, "ackmode": "ack_requeue_true", "encoding": "auto", "truncate": 1_000_000},
            auth=self.auth, timeout=10,
        )
        response.raise_for_status()
        return response.json()
