"""AMQP_URI in kombu's failover form (one URI per cluster node, ';'-separated), wherever the chassis reads it."""
import logging

from kombu import Connection

from services.chassis.broker_identities import (credentials_of, failover_uris, management_url_for,
                                                uri_with_credentials, vhost_of)
from services.chassis.cli_run import rotated
from services.chassis.config import load_settings
from services.chassis.production import production_problems
from services.chassis.redaction import RedactSecrets

CLUSTER = "pyamqp://guest:guest@127.0.0.1:5701/shop;pyamqp://guest:guest@127.0.0.1:5702/shop;" \
          "pyamqp://guest:guest@127.0.0.1:5703/shop"


def test_each_node_gets_the_role_credentials_and_the_vhost_is_read_from_the_first():
    uri = uri_with_credentials(CLUSTER, "sportello-orders", "p@ss;word")
    assert failover_uris(uri) == [f"pyamqp://sportello-orders:p%40ss%3Bword@127.0.0.1:{port}/shop"
                                  for port in (5701, 5702, 5703)]
    assert credentials_of(uri) == ("sportello-orders", "p@ss;word")
    assert vhost_of(uri) == "shop"
    assert management_url_for(uri) == "http://127.0.0.1:15672"


def test_kombu_takes_every_node_as_an_alternate():
    connection = Connection(uri_with_credentials(CLUSTER, "u", "p"))
    assert [alt.split("@")[1] for alt in connection.alt] == ["127.0.0.1:5701/shop", "127.0.0.1:5702/shop",
                                                             "127.0.0.1:5703/shop"]
    assert connection.userid == "u" and connection.port == 5701


def test_processes_start_at_different_nodes():
    assert [failover_uris(rotated(CLUSTER, n))[0][-9:-5] for n in range(4)] == ["5701", "5702", "5703", "5701"]
    assert sorted(failover_uris(rotated(CLUSTER, 1))) == sorted(failover_uris(CLUSTER))


def test_production_refuses_guest_on_any_node():
    mixed = uri_with_credentials(CLUSTER, "sportello-orders", "x").split(";")[:2] + [CLUSTER.split(";")[2]]
    settings = load_settings({"SPORTELLO_ENV": "production", "AMQP_URI": ";".join(mixed)})
    assert any("guest" in problem for problem in production_problems(settings))


def test_no_node_password_reaches_a_log_line():
    # nameko masks the password of the first URI only when it logs a connection error.
    record = logging.LogRecord("nameko.messaging", logging.WARNING, __file__, 1,
                               "Error connecting to broker at %s", (uri_with_credentials(CLUSTER, "u", "s3cret"),), None)
    RedactSecrets().filter(record)
    assert "s3cret" not in record.getMessage()
    assert "pyamqp://u:***@127.0.0.1:5703/shop" in record.getMessage()
