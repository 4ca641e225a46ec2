"""Queue policies, set by the operator (``sportello declare-queues``, ``sportello broker setup``).

What a queue does with a message it cannot keep is a policy, not a declared argument: policies
can change without redeclaring (a redeclaration with other arguments is refused), and they make
RabbitMQ 3.10 (no delivery limit unless one is set) and 4.x (a default limit of 20, past which a
quorum queue drops the message) behave the same. Only the queue type is an argument
(:func:`services.chassis.retry.queue_arguments`). One policy applies to a queue (the highest
priority): the patterns below do not overlap, and an operator's own policy for these queues
must carry these keys too.

* handler queues ``evt-*--S.*``: an explicit delivery limit, past which the message is
  dead-lettered into ``S.dead-letters`` (``sportello dlq``), at least once
  (``dead-letter-strategy: at-least-once`` needs ``overflow: reject-publish``);
* retry queues ``S.retry.<ms>ms``: their expired messages go back to the handler queue at
  least once (their dead-letter exchange is an argument, ``S.redeliver``);
* dead-letter queues ``S.dead-letters``: no delivery limit that can drop a letter (on 4.x
  ``delivery-limit: -1``, unlimited; 3.10 has none unless set and refuses -1);
* RPC queues ``rpc-S``: a delivery limit and no dead-lettering. A redelivered request is
  answered 503 without being run (services/chassis/rpc.py), so only a request whose consumer
  died again and again reaches the limit, and its caller had its answer long before. A
  dead-letter exchange there would also take every request that expired unanswered.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import requests

from services.chassis.config import failover_uris

log = logging.getLogger(__name__)

HANDLER_DELIVERY_LIMIT = 20
RPC_DELIVERY_LIMIT = 5
POLICY_PRIORITY = 5
AT_LEAST_ONCE = {"dead-letter-strategy": "at-least-once", "overflow": "reject-publish"}


def _names(services) -> str:
    return "|".join(sorted(re.escape(name) for name in services))


def policies(services, broker_version: str) -> dict[str, dict]:
    """Policy name -> body (pattern, definition, priority, apply-to) for ``services`` (their names)."""
    services = sorted(services)
    names = _names(services)
    major = int((broker_version or "0").split(".")[0] or 0)
    bodies = {
        f"sportello-handlers-{service}": {
            "pattern": rf"^evt-[a-z0-9_]+-[a-z0-9_]+--{re.escape(service)}\.[a-z0-9_]+$",
            "definition": {"delivery-limit": HANDLER_DELIVERY_LIMIT, "dead-letter-exchange": f"{service}.dead-letters",
                           **AT_LEAST_ONCE},
        }
        for service in services
    }
    bodies["sportello-retry"] = {"pattern": rf"^({names})\.retry\.[0-9]+ms$", "definition": dict(AT_LEAST_ONCE)}
    bodies["sportello-rpc"] = {"pattern": rf"^rpc-({names})$", "definition": {"delivery-limit": RPC_DELIVERY_LIMIT}}
    if major >= 4:
        bodies["sportello-dead-letters"] = {"pattern": rf"^({names})\.dead-letters$",
                                            "definition": {"delivery-limit": -1}}
    for body in bodies.values():
        body.update(priority=POLICY_PRIORITY, **{"apply-to": "queues"})
    return bodies


def serves(overview: dict, amqp_uri: str) -> bool:
    """Whether the broker the management API describes listens on AMQP_URI's port."""
    port = urlsplit(amqp_uri).port or (5671 if amqp_uri.startswith("amqps") else 5672)
    return any(int(listener.get("port", 0)) == port for listener in overview.get("listeners", ())
               if str(listener.get("protocol", "")).startswith("amqp"))


def apply_policies(amqp_uri: str, services, management_url: str = "") -> dict[str, dict]:
    """Set (idempotently) every policy on AMQP_URI's vhost through the management API, as the operator.

    Without RABBITMQ_MANAGEMENT_URL the API is guessed at AMQP_URI's host, port 15672; when nothing
    answers there, or a broker that is not AMQP_URI's (a private test node on its own port), no
    policy is set and {} is returned: never another broker's. A configured URL that fails raises."""
    from services.chassis.broker_identities import BrokerAdmin, credentials_of, management_url_for, vhost_of

    amqp_uri = failover_uris(amqp_uri)[0]  # a failover list (one URI per node): the first names user and vhost
    admin = BrokerAdmin(management_url_for(amqp_uri, management_url), credentials_of(amqp_uri))
    try:
        overview = admin.overview()
    except requests.RequestException:
        if management_url:
            raise
        log.warning("no management API at %s: queue policies not set (set RABBITMQ_MANAGEMENT_URL)", admin.api)
        return {}
    if not management_url and not serves(overview, amqp_uri):
        log.warning("the management API at %s belongs to another broker: queue policies not set", admin.api)
        return {}
    bodies = policies(services, str(overview.get("rabbitmq_version", "")))
    vhost = vhost_of(amqp_uri)
    for name, body in bodies.items():
        admin.set_policy(vhost, name, body)
    return bodies
