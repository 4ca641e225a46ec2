"""RPC calls travel as transient messages: RabbitMQ never writes a request or a reply to disk.

A spy queue bound to nameko's RPC exchange receives a copy of every request
(routing key ``service.method``) and every reply (routing key: the caller's
reply queue id), as the broker routed them.
"""
from kombu import Connection, Exchange, Queue

from tests.support.fixtures import wait_until


def test_rpc_requests_and_replies_are_transient(system, config, client):
    system.start("catalog", "gateway")
    with Connection(config["AMQP_URI"]) as connection:
        spy = Queue("rpc-spy", Exchange("nameko-rpc", type="topic", durable=True), routing_key="#",
                    exclusive=True, channel=connection.channel())
        spy.declare()
        assert client.get("/health/catalog").status_code == 200
        messages = []

        def both_seen():
            message = spy.get(no_ack=True)
            if message is not None:
                messages.append(message)
            return len(messages) >= 2

        wait_until(both_seen, timeout=5)
    request, reply = messages[0], messages[1]
    assert request.delivery_info["routing_key"] == "catalog.ping"
    assert reply.properties["correlation_id"] == request.properties["correlation_id"]
    assert [m.properties.get("delivery_mode") for m in messages] == [1, 1]


def test_a_service_that_is_not_running_is_still_told_apart_from_a_slow_one(system, client):
    system.start("gateway")  # requests keep their publisher confirm: nameko's UnknownService needs it
    response = client.get("/health/catalog")
    assert response.status_code == 503
    state = response.json()["services"]["catalog"]
    assert state["status"] == "down" and "unavailable" in str(state["error"]), state
