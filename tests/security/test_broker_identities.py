"""Every process its own broker identity: what each may do, and what the broker refuses it.

The services run as their own users (tests/support/fixtures.py ``System``); here the test connects
with those same credentials, as an attacker holding one process's password would, and tries what
its grant must not allow. RabbitMQ answers ACCESS_REFUSED (403) and closes the channel.
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from urllib.parse import quote, urlsplit

import amqp
import pytest
import requests

from services.chassis.broker_identities import consumer_user, credentials_of
from services.chassis.cli import import_service
from services.chassis.config import SERVICES
from services.chassis.queues import declare_queues
from tests.support.broker import MANAGEMENT_URL, ROLE_USERS
from tests.support.fixtures import wait_until

pytestmark = pytest.mark.usefixtures("topology")


@pytest.fixture
def topology(vhost):
    """What `sportello declare-queues` makes, as the operator: the exchanges and consumer queues."""
    declare_queues(vhost.amqp_uri, [import_service(name) for name in SERVICES])


def connect(uri: str) -> amqp.Connection:
    parts = urlsplit(uri)
    user, password = credentials_of(uri)
    connection = amqp.Connection(f"{parts.hostname}:{parts.port or 5672}", userid=user, password=password,
                                 virtual_host=parts.path[1:] and requests.utils.unquote(parts.path[1:]),
                                 connect_timeout=5)
    connection.connect()
    return connection


def refused(action) -> bool:
    """True when the broker refuses ``action(channel)`` with ACCESS_REFUSED."""
    try:
        action()
    except amqp.exceptions.AccessRefused:
        return True
    return False


def own_reply_queue(channel, role: str) -> str:
    name = f"rpc.reply-{role}-{uuid.uuid4()}"
    channel.queue_declare(name, auto_delete=True)
    return name


def publish_confirmed(channel, exchange: str, routing_key: str, body: dict) -> None:
    # With a confirm the refusal (a channel close) arrives before the call returns.
    channel.basic_publish_confirm(amqp.Message(json.dumps(body), content_type="application/json"),
                                  exchange=exchange, routing_key=routing_key, confirm_timeout=10)


def test_every_process_connects_as_its_own_user(vhost, system):
    system.start("accounts", "orders", "returns", "messaging", "gateway")
    expected = {ROLE_USERS.user(role) for role in ("accounts", "orders", "returns", "messaging", "gateway")}

    def users() -> set[str]:
        # The management API lists connections from statistics gathered every few seconds.
        response = requests.get(f"{MANAGEMENT_URL}/api/vhosts/{quote(vhost.name, safe='')}/connections",
                                auth=vhost.auth, timeout=10)
        response.raise_for_status()
        return {connection["user"] for connection in response.json()}

    wait_until(lambda: users() >= expected, timeout=20, interval=0.5)
    assert users() == expected  # nobody runs as the operator


def test_the_gateway_cannot_listen_to_events(vhost):
    channel = connect(vhost.role_uri("gateway")).channel()
    queue = own_reply_queue(channel, "gateway")
    assert refused(lambda: channel.queue_bind(queue, "accounts.events", "password_reset_requested"))


def test_the_gateway_cannot_take_another_service_s_requests_or_replies(vhost):
    connection = connect(vhost.role_uri("gateway"))
    channel = connection.channel()
    queue = own_reply_queue(channel, "gateway")
    # Binding its queue under accounts' request key would hand it every login's password.
    assert refused(lambda: channel.queue_bind(queue, "nameko-rpc", "accounts.*"))
    channel = connection.channel()
    assert refused(lambda: channel.queue_bind(queue, "nameko-rpc", f"orders.reply.{uuid.uuid4()}"))
    channel = connection.channel()
    assert refused(lambda: channel.queue_declare("rpc-accounts", durable=True))


def test_the_gateway_cannot_call_internal_methods_nor_publish_events(vhost):
    connection = connect(vhost.role_uri("gateway"))
    channel = connection.channel()
    assert refused(lambda: publish_confirmed(channel, "nameko-rpc", "accounts.internal_anything", {}))
    channel = connection.channel()
    assert refused(lambda: publish_confirmed(channel, "orders.events", "order_delivered", {}))
    channel = connection.channel()
    publish_confirmed(channel, "nameko-rpc", "catalog.ping", {})  # what it is for still goes through


def test_returns_cannot_publish_orders_events_nor_forge_its_own_handler_input(vhost):
    connection = connect(vhost.role_uri("returns"))
    channel = connection.channel()
    assert refused(lambda: publish_confirmed(channel, "orders.events", "order_delivered", {}))
    channel = connection.channel()
    # The default exchange would reach any queue by name: no service may write to it.
    assert refused(lambda: publish_confirmed(channel, "", "evt-returns-replacement_requested--orders."
                                             "handle_replacement_requested", {}))
    channel = connection.channel()
    publish_confirmed(channel, "returns.events", "rma_created", {"probe": True})  # its own exchange: allowed


def test_a_service_reads_only_the_events_it_handles(vhost):
    connection = connect(vhost.role_uri("returns"))
    channel = connection.channel()
    queue = "evt-accounts-password_reset_requested--returns.steal"
    channel.queue_declare(queue, durable=False, auto_delete=True)  # its own name pattern: may declare
    # returns handles accounts.customer_erased only; a reset request is none of its business.
    assert refused(lambda: channel.queue_bind(queue, "accounts.events", "password_reset_requested"))
    channel = connection.channel()
    assert refused(lambda: channel.queue_declare("evt-accounts-customer_erased--messaging.spy", auto_delete=True))
    channel = connection.channel()
    assert refused(lambda: channel.basic_get("messaging.dead-letters"))
    channel = connection.channel()
    assert refused(lambda: channel.exchange_delete("orders.events"))


def test_a_service_cannot_bind_to_another_caller_s_replies(vhost):
    connection = connect(vhost.role_uri("orders"))
    channel = connection.channel()
    queue = own_reply_queue(channel, "orders")
    # orders sees the gateway's reply key in every request it serves; reading the gateway's
    # other replies (accounts' login tokens) would need this binding.
    assert refused(lambda: channel.queue_bind(queue, "nameko-rpc", f"gateway.reply.{uuid.uuid4()}"))
    channel = connection.channel()
    assert refused(lambda: channel.queue_bind(queue, "nameko-rpc", "accounts.*"))


def test_an_outside_consumer_gets_its_own_queues_on_the_event_exchanges_only(vhost, config):
    env = {"AMQP_URI": vhost.amqp_uri, "SPORTELLO_VAR_DIR": config["MAIL"]["file_dir"],
           "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "services.chassis.cli", "broker", "add-consumer", "erp"],
                         env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    uri = next(line.split("=", 1)[1] for line in out.splitlines() if line.startswith("AMQP_URI="))
    try:
        connection = connect(uri)
        channel = connection.channel()
        channel.queue_declare("erp.orders", durable=True)
        channel.queue_bind("erp.orders", "orders.events", "order_placed")
        channel.basic_get("erp.orders")
        assert refused(lambda: channel.queue_declare("billing.orders"))
        channel = connection.channel()
        assert refused(lambda: channel.queue_bind("erp.orders", "nameko-rpc", "accounts.*"))
        channel = connection.channel()
        assert refused(lambda: publish_confirmed(channel, "orders.events", "order_paid", {}))
        channel = connection.channel()
        assert refused(lambda: channel.basic_get("rpc-accounts"))
    finally:
        vhost.admin.delete_user(consumer_user("erp", vhost.name))


def test_internal_methods_are_for_the_service_that_declares_it_calls_them(vhost):
    # orders calls accounts, but only messaging may have accounts issue a single-use link.
    channel = connect(vhost.role_uri("orders")).channel()
    assert refused(lambda: publish_confirmed(channel, "nameko-rpc", "accounts.internal_issue_link", {}))
    publish_confirmed(connect(vhost.role_uri("orders")).channel(), "nameko-rpc", "accounts.get_me", {})
    publish_confirmed(connect(vhost.role_uri("messaging")).channel(), "nameko-rpc", "accounts.internal_issue_link", {})
    channel = connect(vhost.role_uri("messaging")).channel()
    assert refused(lambda: publish_confirmed(channel, "nameko-rpc", "orders.internal_delivered_order", {}))


def depth(vhost, queue: str) -> int:
    channel = connect(vhost.amqp_uri).channel()
    _, count, _ = channel.queue_declare(queue, passive=True)
    return count


RETURNS_ERASURE_QUEUE = "evt-accounts-customer_erased--returns.handle_customer_erased"
ORDERS_PRICE_QUEUE = "evt-catalog-product_price_changed--orders.handle_product_price_changed"


def test_a_service_s_retry_queues_lead_back_only_to_its_own_handler_queues(vhost):
    channel = connect(vhost.role_uri("orders")).channel()
    forged = {"event_id": str(uuid.uuid4()), "occurred_at": "2026-12-01T10:00:00+00:00", "schema_version": 1,
              "customer_id": str(uuid.uuid4())}
    # Through the default exchange this would land in returns' queue once the delay expires.
    publish_confirmed(channel, "orders.retry.1000ms", RETURNS_ERASURE_QUEUE, forged)
    publish_confirmed(channel, "orders.retry.1000ms", ORDERS_PRICE_QUEUE, {"retried": True})
    wait_until(lambda: depth(vhost, ORDERS_PRICE_QUEUE) == 1, timeout=15, interval=0.2)  # its own: back
    assert depth(vhost, RETURNS_ERASURE_QUEUE) == 0


def test_a_replay_never_goes_to_a_queue_the_dead_letter_s_own_header_names_elsewhere(vhost):
    from services.chassis import queues

    channel = connect(vhost.role_uri("orders")).channel()
    forged = amqp.Message(json.dumps({"customer_id": "anyone"}), content_type="application/json",
                          application_headers={"x-sportello-queue": RETURNS_ERASURE_QUEUE,
                                               "x-sportello-dead-letter-id": "forged"})
    channel.basic_publish_confirm(forged, exchange="orders.dead-letters", routing_key="orders.dead-letters")
    assert queues.replay_dead_letters(vhost.amqp_uri, "orders") == 0
    assert depth(vhost, RETURNS_ERASURE_QUEUE) == 0
    assert [letter.id for letter in queues.show_dead_letters(vhost.amqp_uri, "orders")] == ["forged"]


@pytest.mark.parametrize("name", ["orders", "rpc", "sportello-gateway", "guest", "evt-x", "Upper", "x"])
def test_a_consumer_may_not_take_a_name_sportello_or_rabbitmq_uses(vhost, config, name):
    env = {"AMQP_URI": vhost.amqp_uri, "SPORTELLO_VAR_DIR": config["MAIL"]["file_dir"], "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "services.chassis.cli", "broker", "add-consumer", name],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "consumer name" in result.stderr, result.stderr
