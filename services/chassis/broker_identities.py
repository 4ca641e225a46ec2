"""Who may do what on the broker: one RabbitMQ user per process role, each with the narrowest rights.

Every service, the gateway and each outside consumer connects as its own user. The rights are
RabbitMQ regular expressions over resource names (configure / write / read, per vhost) plus topic
permissions (routing keys on a topic exchange) where names alone are too coarse:

* a service ``S`` may declare only its own queues (``rpc-S``, its reply queues
  ``rpc.reply-S-<uuid>``, its handler queues ``evt-<source>-<type>--S.<method>``); exchanges
  and the shared retry and dead-letter queues are the operator's (``sportello declare-queues``);
* it may publish to ``S.events`` (any routing key), to its own retry and dead-letter exchanges,
  and to ``nameko-rpc`` only with the routing keys of the services it calls and of replies; an
  ``internal_*`` method only where its class names it in ``INTERNAL_RPC_CALLS``;
* it may read only its own queues, bind them to ``nameko-rpc`` only with ``S.*`` and its own
  reply keys, and to another service's events exchange only with the event types it handles;
* the gateway may only send RPC requests (never to an ``internal_*`` method) and read its own
  reply queues: it cannot see any event;
* an outside consumer ``NAME`` may declare, bind and read only queues named ``NAME.*`` on the
  event exchanges, and publish nothing.

Reply routing keys are ``<caller>.reply.<uuid>`` (:mod:`services.chassis.rpc`), so a party that
learns a caller's reply key from a request it serves still cannot bind a queue to it and read
the caller's other replies (login tokens among them).

What nameko forces wider, and why it is accepted: a service must hold configure on its own
queues (nameko declares them at start), which would let it delete them (it only hurts itself);
write on ``nameko-rpc`` with any reply key (nameko replies to whatever ``reply_to`` a request
names), so a service could inject a reply into a caller's queue if it knew a pending
correlation id, which it only sees for requests sent to itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from services.chassis.config import failover_uris

RPC_EXCHANGE = "nameko-rpc"
UUID = "[0-9a-f-]+"
NAME = "[a-z0-9_]+"
# Consumer names become queue-name prefixes (and part of user names): keep them plain, and clear of
# every name Sportello or RabbitMQ uses itself (a consumer "orders" would own orders.events).
CONSUMER_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,40}$")
RESERVED_NAMES = re.compile(r"^(accounts|catalog|orders|returns|messaging|gateway|rpc|evt|amq|nameko|sportello|guest"
                            r"|consumer|standalone)")


def check_consumer_name(consumer: str) -> None:
    if not CONSUMER_NAME.match(consumer):
        raise ValueError(f"consumer name {consumer!r}: use 2-41 lower-case letters, digits, '_' or '-', "
                         "starting with a letter")
    if RESERVED_NAMES.match(consumer):
        raise ValueError(f"consumer name {consumer!r}: names starting with {RESERVED_NAMES.pattern[2:-1]} "
                         "are Sportello's or RabbitMQ's own")


def consumer_user(consumer: str, vhost: str = "/") -> str:
    """``consumer-NAME`` (``consumer-<vhost>-NAME`` off the default vhost): never a Sportello or operator user."""
    return f"consumer-{consumer}" if vhost == "/" else f"consumer-{vhost}-{consumer}"


@dataclass(frozen=True)
class Grant:
    """A user's rights on one vhost: three regexes and topic permissions per exchange (write, read)."""

    configure: str
    write: str
    read: str
    topics: dict[str, tuple[str, str]] = field(default_factory=dict)


def _alternatives(names) -> str:
    return "|".join(sorted(set(names)))


def _any_of(patterns) -> str:
    return f"^({'|'.join(patterns)})$"


def handled_events(service_cls) -> dict[str, set[str]]:
    """source service -> the event types ``service_cls`` handles."""
    from services.chassis.queues import handled_event_types

    events: dict[str, set[str]] = {}
    for source, event_type in handled_event_types(service_cls):
        events.setdefault(source, set()).add(event_type)
    return events


def rpc_targets(service_cls) -> set[str]:
    """The services ``service_cls`` calls by RPC (its RpcProxy dependencies)."""
    from nameko.rpc import RpcProxy

    return {value.target_service for value in (getattr(service_cls, attr) for attr in dir(service_cls))
            if isinstance(value, RpcProxy)}


def own_queues(service: str) -> list[str]:
    return [f"rpc-{service}", rf"rpc\.reply-{service}-{UUID}", f"evt-{NAME}-{NAME}--{service}\\.{NAME}"]


def service_grant(service_cls) -> Grant:
    name = service_cls.name
    events = handled_events(service_cls)
    targets = rpc_targets(service_cls)
    queues = own_queues(name)
    # Service-to-service methods (internal_*) only for the caller that declares it calls them.
    internal = getattr(service_cls, "INTERNAL_RPC_CALLS", {})
    rpc_calls = [rf"({_alternatives(targets)})\.(?!internal_){NAME}"] if targets else []
    rpc_calls += [rf"{target}\.({_alternatives(methods)})" for target, methods in sorted(internal.items())]
    topics = {
        RPC_EXCHANGE: (_any_of([*rpc_calls, rf"{NAME}\.reply\.{UUID}"]), _any_of([rf"{name}\.\*", rf"{name}\.reply\.{UUID}"])),
        f"{name}.events": (".*", "^$"),
    }
    for source, types in events.items():
        topics[f"{source}.events"] = ("^$", _any_of([re.escape(t) for t in sorted(types)]))
    return Grant(
        configure=_any_of(queues),
        write=_any_of([RPC_EXCHANGE, rf"{name}\.events", rf"{name}\.retry\.[0-9]+ms", rf"{name}\.dead-letters",
                       *queues]),
        read=_any_of([RPC_EXCHANGE, *queues, *(rf"{source}\.events" for source in sorted(events))]),
        topics=topics,
    )


def gateway_grant(gateway_cls, services) -> Grant:
    name = gateway_cls.name
    reply_queue = rf"rpc\.reply-{name}-{UUID}"
    return Grant(
        configure=_any_of([reply_queue]),
        write=_any_of([RPC_EXCHANGE, reply_queue]),
        read=_any_of([RPC_EXCHANGE, reply_queue]),
        # Service-to-service methods are named internal_*: the Internet-facing process cannot call them.
        topics={RPC_EXCHANGE: (_any_of([rf"({_alternatives(services)})\.(?!internal_){NAME}"]),
                               _any_of([rf"{name}\.reply\.{UUID}"]))},
    )


def consumer_grant(consumer: str, services) -> Grant:
    """An outside system's identity: its own ``NAME.*`` queues bound to the event exchanges, nothing else."""
    check_consumer_name(consumer)
    own = rf"{re.escape(consumer)}\..+"
    exchanges = [rf"{service}\.events" for service in services]
    return Grant(
        configure=_any_of([own]),
        write=_any_of([own]),
        read=_any_of([own, *exchanges]),
        topics={f"{service}.events": ("^$", ".*") for service in services},
    )


def role_grants() -> dict[str, Grant]:
    """Every Sportello process role (the five services and the gateway) and its grant."""
    from services.chassis.cli import import_service
    from services.chassis.config import SERVICES

    grants = {name: service_grant(import_service(name)) for name in SERVICES}
    grants["gateway"] = gateway_grant(import_service("gateway"), SERVICES)
    return grants


# -- credentials -----------------------------------------------------------------
# AMQP_URI may be kombu's failover form, one URI per cluster node separated by ';'
# ("amqp://u:p@h:5701/;amqp://u:p@h:5702/"): kombu connects to the first that answers and to
# the next when its node dies. Every node has the same users and vhosts (they are the cluster's).
def uri_with_credentials(amqp_uri: str, user: str, password: str) -> str:
    return ";".join(_one_with_credentials(uri, user, password) for uri in failover_uris(amqp_uri))


def _one_with_credentials(amqp_uri: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_uri)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def credentials_of(amqp_uri: str) -> tuple[str, str]:
    parts = urlsplit(failover_uris(amqp_uri)[0])
    return unquote(parts.username or "guest"), unquote(parts.password or "guest")


def vhost_of(amqp_uri: str) -> str:
    path = urlsplit(failover_uris(amqp_uri)[0]).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def local_password(var_dir: Path, role: str) -> str:
    """A role's broker password for local runs: made once under ``<var>/broker/`` (mode 0600)."""
    from services.chassis.config import secret_file

    return secret_file(Path(var_dir) / "broker" / f"{role}.password", nbytes=24)


# -- the management API ----------------------------------------------------------
class BrokerAdmin:
    """Users and permissions through RabbitMQ's management API, as the operator."""

    def __init__(self, management_url: str, auth: tuple[str, str], timeout: float = 10):
        self.api = management_url.rstrip("/") + "/api"
        self.auth = auth
        self.timeout = timeout

    def _put(self, path: str, body: dict) -> None:
        response = requests.put(f"{self.api}/{path}", json=body, auth=self.auth, timeout=self.timeout)
        response.raise_for_status()

    def ensure_user(self, user: str, password: str) -> None:
        self._put(f"users/{quote(user, safe='')}", {"password": password, "tags": ""})

    def grant(self, vhost: str, user: str, grant: Grant) -> None:
        vhost_q, user_q = quote(vhost, safe=""), quote(user, safe="")
        self._put(f"permissions/{vhost_q}/{user_q}",
                  {"configure": grant.configure, "write": grant.write, "read": grant.read})
        # Topic permissions replace each other per exchange; stale ones of removed exchanges stay harmless.
        for exchange, (write, read) in sorted(grant.topics.items()):
            self._put(f"topic-permissions/{vhost_q}/{user_q}", {"exchange": exchange, "write": write, "read": read})

    def set_policy(self, vhost: str, name: str, body: dict) -> None:
        """A queue policy (services/chassis/policies.py): the operator's user needs the policymaker tag."""
        self._put(f"policies/{quote(vhost, safe='')}/{quote(name, safe='')}", body)

    def overview(self) -> dict:
        """The broker's version and listeners (GET /api/overview)."""
        response = requests.get(f"{self.api}/overview", auth=self.auth, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def delete_user(self, user: str) -> None:
        requests.delete(f"{self.api}/users/{quote(user, safe='')}", auth=self.auth, timeout=self.timeout)


def management_url_for(amqp_uri: str, configured: str = "") -> str:
    if configured:
        return configured
    return f"http://{urlsplit(failover_uris(amqp_uri)[0]).hostname or '127.0.0.1'}:15672"


# -- provisioning ----------------------------------------------------------------
ROLE_USER_PREFIX = "sportello-"


def role_user(role: str, vhost: str = "/") -> str:
    """``sportello-<role>`` on the default vhost, ``sportello-<vhost>-<role>`` on another: users are
    the broker's, grants the vhost's, so two installations on one broker never share a password."""
    return f"{ROLE_USER_PREFIX}{role}" if vhost == "/" else f"{ROLE_USER_PREFIX}{vhost}-{role}"


def role_password(role: str, environ, var_dir: Path, vhost: str = "/") -> str:
    """``SPORTELLO_BROKER_PASSWORD_<ROLE>`` (compose), or the password in ``SPORTELLO_BROKER_URI_<ROLE>``
    (the role's whole AMQP URI, as a Kubernetes Secret holds it), else the local file."""
    password = (environ.get(f"SPORTELLO_BROKER_PASSWORD_{role.upper()}") or "").strip()
    uri = (environ.get(f"SPORTELLO_BROKER_URI_{role.upper()}") or "").strip()
    if not password and uri:
        user, password = credentials_of(uri)
        if user != role_user(role, vhost):
            raise ValueError(f"SPORTELLO_BROKER_URI_{role.upper()} must log in as {role_user(role, vhost)}, "
                             f"not {user}")
    return password or local_password(var_dir, role)


def provision_roles(operator_uri: str, management_url: str, environ, var_dir: Path) -> dict[str, str]:
    """Create or update every role's user and grant it on the operator URI's vhost; returns role -> AMQP URI."""
    admin = BrokerAdmin(management_url_for(operator_uri, management_url), credentials_of(operator_uri))
    vhost = vhost_of(operator_uri)
    uris = {}
    for role, grant in role_grants().items():
        user, password = role_user(role, vhost), role_password(role, environ, var_dir, vhost)
        admin.ensure_user(user, password)
        admin.grant(vhost, user, grant)
        uris[role] = uri_with_credentials(operator_uri, user, password)
    return uris


def add_consumer(operator_uri: str, management_url: str, name: str, password: str) -> str:
    """An outside system's user (see :func:`consumer_grant`); returns its AMQP URI."""
    from services.chassis.config import SERVICES

    grant = consumer_grant(name, SERVICES)
    admin = BrokerAdmin(management_url_for(operator_uri, management_url), credentials_of(operator_uri))
    vhost = vhost_of(operator_uri)
    user = consumer_user(name, vhost)
    admin.ensure_user(user, password)
    admin.grant(vhost, user, grant)
    return uri_with_credentials(operator_uri, user, password)
