"""Returns opens a window only for a delivery that orders confirms, of a schema version it knows (R2, R13).

Orders delivers real orders while returns is not running yet, so that their order_delivered events
wait in returns' queue. The test takes the real event off the queue and publishes forgeries of it
(anyone who may publish to ``orders.events``): a window must open for none of them, each must be
dead-lettered at once with its reason, and the real event must still open the window afterwards.
"""
import json
import uuid

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import event_dispatcher

from services.chassis import queues
from services.chassis.cli import import_service
from services.chassis.retry import handler_queue_name
from tests.returns.conftest import ReturnsShop
from tests.support.fixtures import wait_until

DELIVERED_QUEUE = handler_queue_name("orders", "order_delivered", "returns", "handle_order_delivered")


@pytest.fixture
def shop(system, client, config, catalog, tmp_path):
    """The shop without returns: start it with ``system.start("returns")`` when the events are in place."""
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns")}
    system.start("accounts", "catalog", "orders", "gateway")
    queues.declare_queues(config["AMQP_URI"], [import_service("returns")])  # orders' events wait for returns
    return ReturnsShop(client, config)


def take_delivered_event(config) -> dict:
    """The order_delivered event orders published, taken off returns' queue before returns saw it."""
    with Connection(config["AMQP_URI"]) as connection:
        queue = Queue(DELIVERED_QUEUE)(connection.channel())
        message = wait_until(lambda: queue.get(no_ack=True), timeout=10)
        return json.loads(message.body)


def forged(event: dict, **changes) -> dict:
    return {**event, "event_id": str(uuid.uuid4()), **changes}


def dead_letters(config, count: int) -> list[str]:
    wait_until(lambda: queues.count_dead_letters(config["AMQP_URI"], "returns") >= count, timeout=20)
    found = queues.show_dead_letters(config["AMQP_URI"], "returns", limit=50)
    assert len(found) == count and all(letter.attempts == 1 for letter in found), [l.error for l in found]
    assert all(letter.error.startswith("EventRejected: ") for letter in found), [l.error for l in found]
    return [letter.error for letter in found]


def test_a_delivery_orders_does_not_confirm_opens_no_window(shop, system, client, config):
    anna, staff = shop.customer(), shop.staff()
    bruno = shop.customer("bruno@example.it")
    number = shop.delivered_order(anna, staff)
    real = take_delivered_event(config)
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "SAW-01")
    placed_only = shop.checkout(anna, cart["id"]).json()["number"]
    more = [dict(real["lines"][0], quantity=20), *real["lines"][1:]]
    dispatch = event_dispatcher(config)
    dispatch("orders", "order_delivered", forged(real, order_number="ORD-2026-999999"))  # no such order
    dispatch("orders", "order_delivered", forged(real, order_number=placed_only))  # not delivered
    dispatch("orders", "order_delivered", forged(real, lines=more))  # 20 drills, not 2
    dispatch("orders", "order_delivered", forged(real, customer_id=shop.me(bruno)["id"]))  # bruno's now?
    system.start("returns")
    reasons = dead_letters(config, 4)
    assert any("ORD-2026-999999" in r for r in reasons), reasons
    assert any(placed_only in r for r in reasons), reasons
    assert any(number in r and "lines" in r for r in reasons), reasons
    assert any(number in r and "customer_id" in r for r in reasons), reasons
    assert shop.eligible(anna) == {} and shop.eligible(bruno) == {}

    dispatch("orders", "order_delivered", real)  # what orders really said
    order = shop.wait_eligible(anna, number)
    assert [(l["reference"], l["delivered_quantity"]) for l in order["lines"]] == [("DRILL-18V", 2), ("SAW-01", 1)]
    assert shop.eligible(bruno) == {}


def test_an_unknown_schema_version_opens_no_window_and_version_1_does(shop, system, client, config):
    anna, staff = shop.customer(), shop.staff()
    number = shop.delivered_order(anna, staff, items=(("SAW-01", 1),))
    real = take_delivered_event(config)
    dispatch = event_dispatcher(config)
    dispatch("orders", "order_delivered", forged(real, schema_version=99))
    dispatch("orders", "order_delivered", forged(real, schema_version=2))
    system.start("returns")
    reasons = dead_letters(config, 2)
    assert all("schema_version" in r for r in reasons) and any("schema_version 99" in r for r in reasons), reasons
    assert shop.eligible(anna) == {}
    dispatch("orders", "order_delivered", real)
    shop.wait_eligible(anna, number)
