"""Idempotency-Key on every unsafe request (issue 17 item 3; REVIEW R6, R19).

Through the public API with the real services: a retry with the same key gets the first answer and
the effect happens once -- also when the gateway gave up on the first attempt (504) while the
service's worker still committed it, and when the retry arrives while the first attempt runs. The
evidence is what the API shows afterwards (the order's payments, the cart's lines, the orders list).
On SQLite and, with ``make test-postgresql``, on PostgreSQL.
"""
from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import eventlet
import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from gateway.http import Route
from gateway.openapi import build_spec
from gateway.service import GatewayService
from services.chassis.cli import import_service
from services.chassis.database import make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from services.chassis.retention import Retention, prune
from services.chassis.tables import idempotency_keys
from tests.orders.conftest import Shop, catalog  # noqa: F401  (the catalog fixture)
from tests.orders.test_checkout_and_orders import ready_cart
from tests.support.fixtures import wait_until

RPC_TIMEOUT = 2  # seconds the gateway waits for a service here; the lock below is held longer


@pytest.fixture
def shop(system, client, config, catalog):  # noqa: F811
    config["RPC_TIMEOUT"] = RPC_TIMEOUT
    system.start("accounts", "catalog", "orders", "gateway")
    return Shop(client, config)


def new_key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def assert_problem(response, status: int, problem: str, field: str | None = "Idempotency-Key") -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"].endswith("/" + problem), body
    if field is not None:
        assert field in body.get("errors", {}), body
    return body


# -- holding a database lock from another process ---------------------------------------------------
HOLDER = r"""
import sys, time
url, table, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
if url.startswith("sqlite"):
    import sqlite3
    from sqlalchemy.engine import make_url
    conn = sqlite3.connect(make_url(url).database, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")  # the write lock: every writer waits
else:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool
    conn = create_engine(url, poolclass=NullPool).connect()
    conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))  # writers (and foreign-key checks) wait
print("locked", flush=True)
time.sleep(seconds)
conn.rollback()
print("released", flush=True)
"""


@contextmanager
def database_locked(config, service: str, table: str, seconds: float):
    """Another process holds ``service``'s write lock for ``seconds`` from when this returns.

    Another process, because a worker waiting on SQLite's lock waits in C and so stops every
    greenthread of this process (the services run in it): the holder must let go on its own.
    """
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, config["DATABASE_URLS"][service], table, str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.wait(timeout=seconds + 30)


def retried(send):
    """Send again, as a client does after a 504, until the answer is not a 504."""
    def answered():
        response = send()
        return response if response.status_code != 504 else None
    return wait_until(answered, timeout=40, interval=0.5)


# -- R6: a 504, a late commit, a retry --------------------------------------------------------------
def test_a_payment_the_gateway_gave_up_on_and_its_retry_record_one_payment(shop, client, config):
    anna, desk = shop.customer(), shop.staff()
    order = shop.checkout(anna, ready_cart(shop, anna)["id"]).json()
    half = str((Decimal(order["total"]["amount"]) / 2).quantize(Decimal("0.01")))
    key = new_key()
    pay = lambda: client.post(f"/api/v1/staff/orders/{order['number']}/payments",  # noqa: E731
                              json={"amount": half, "reference": "CRO 1"}, headers={**desk, **key})
    with database_locked(config, "orders", "orders", RPC_TIMEOUT + 2):
        assert_problem(pay(), 504, "service-timeout", field=None)
    answer = retried(pay)
    assert answer.status_code == 201, answer.text
    shown = client.get(f"/api/v1/staff/orders/{order['number']}", headers=desk).json()
    assert shown["payment_status"] == "awaiting"  # half the total was paid once; twice would have paid it
    assert shown.get("paid", {"amount": half}).get("amount") == half
    again = pay()
    assert (again.status_code, again.json()) == (201, answer.json())


def test_retries_sent_while_the_first_payment_still_waits_record_one_payment(shop, client, config):
    """On PostgreSQL the retries' workers wait on the lock beside the first one, and the three race
    when it goes (on SQLite a worker waiting on the lock holds up this whole process, so the retries
    come after it)."""
    anna, desk = shop.customer(), shop.staff()
    order = shop.checkout(anna, ready_cart(shop, anna)["id"]).json()
    half = str((Decimal(order["total"]["amount"]) / 2).quantize(Decimal("0.01")))
    key = new_key()
    pay = lambda: client.post(f"/api/v1/staff/orders/{order['number']}/payments",  # noqa: E731
                              json={"amount": half}, headers={**desk, **key})
    with database_locked(config, "orders", "orders", 3 * RPC_TIMEOUT + 2):
        answers = [pay() for _ in range(3)]
    assert answers[0].status_code == 504, answers[0].text
    assert {a.status_code for a in answers} <= {201, 504}
    answer = retried(pay)
    assert answer.status_code == 201, answer.text
    shown = client.get(f"/api/v1/staff/orders/{order['number']}", headers=desk).json()
    assert shown["payment_status"] == "awaiting"
    assert shown.get("paid", {"amount": half}).get("amount") == half


def test_an_add_to_cart_the_gateway_gave_up_on_and_its_retry_add_one_line_once(shop, client, config):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    key = new_key()
    add = lambda: client.post(f"/api/v1/carts/{cart['id']}/items", json={"code": "SAW-01", "quantity": 3},  # noqa: E731
                              headers={**anna, **key})
    with database_locked(config, "orders", "carts", RPC_TIMEOUT + 2):
        assert_problem(add(), 504, "service-timeout", field=None)
    answer = retried(add)
    assert answer.status_code == 201, answer.text
    lines = client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"]
    assert [(line["reference"], line["quantity"]) for line in lines] == [("SAW-01", 3)]


@pytest.fixture
def returns_shop(system, client, config, catalog, tmp_path):  # noqa: F811
    from tests.returns.conftest import ReturnsShop

    config["RPC_TIMEOUT"] = RPC_TIMEOUT
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns")}
    system.start("accounts", "catalog", "orders", "returns", "gateway")
    return ReturnsShop(client, config)


def test_an_attachment_the_gateway_gave_up_on_and_its_retry_attach_one_file(returns_shop, client, config, tmp_path):
    from tests.returns.test_attachments import PDF, PNG

    shop = returns_shop
    anna, staff = shop.customer(), shop.staff()
    number = shop.open_return(anna, shop.deliver_order(anna, staff))["number"]
    key = new_key()
    attach = lambda data=PNG: client.post(f"/api/v1/returns/{number}/attachments", headers={**anna, **key},  # noqa: E731
                                          files={"file": ("damage.png", data, "image/png")})
    with database_locked(config, "returns", "rmas", RPC_TIMEOUT + 2):
        assert_problem(attach(), 504, "service-timeout", field=None)
    answer = retried(attach)  # each try its own multipart boundary: the parts are what count
    assert answer.status_code == 201, answer.text
    assert_problem(attach(PDF), 422, "idempotency-key-reused")
    rma = client.get(f"/api/v1/returns/{number}", headers=anna).json()
    assert [a["id"] for a in rma["attachments"]] == [answer.json()["id"]]
    assert len([f for f in (tmp_path / "returns").rglob("*") if f.is_file()]) == 1  # no orphan file either


@pytest.fixture
def desk(system, client, config, smtp_server, catalog, tmp_path):  # noqa: F811
    from tests.messaging.http.conftest import Desk, configure_messaging

    configure_messaging(config, smtp_server, tmp_path)
    config["RPC_TIMEOUT"] = RPC_TIMEOUT
    system.start("accounts", "catalog", "orders", "messaging", "gateway")
    return Desk(client, config, smtp_server)


def test_a_message_the_gateway_gave_up_on_and_its_retry_post_one_message(desk, client, config):
    anna = desk.customer()
    thread = desk.write(anna, "Where is my drill?")
    key = new_key()
    reply = lambda: client.post(f"/api/v1/messages/{thread['id']}", json={"body": "Any news?"},  # noqa: E731
                                headers={**anna, **key})
    with database_locked(config, "messaging", "threads", RPC_TIMEOUT + 2):
        assert_problem(reply(), 504, "service-timeout", field=None)
    answer = retried(reply)
    assert answer.status_code == 201, answer.text
    shown = client.get(f"/api/v1/messages/{thread['id']}", headers=anna).json()
    assert [m["body"] for m in shown["messages"]] == ["Where is my drill?", "Any news?"]


# -- R19: checkout ----------------------------------------------------------------------------------
def test_a_key_used_for_one_cart_is_refused_for_another(shop, client):
    anna = shop.customer()
    first, second = ready_cart(shop, anna), ready_cart(shop, anna, "SAW-01", 1)
    key = new_key()
    placed = shop.checkout(anna, first["id"], headers=key)
    assert placed.status_code == 201, placed.text
    assert_problem(shop.checkout(anna, second["id"], headers=key), 422, "idempotency-key-reused")
    assert client.get("/api/v1/orders", headers=anna).json()["total"] == 1
    assert client.get(f"/api/v1/carts/{second['id']}", headers=anna).json()["status"] != "purchased"
    assert shop.checkout(anna, first["id"], headers=key).json() == placed.json()


def test_retries_sent_while_the_first_checkout_runs_all_get_its_order(shop, client):
    anna = shop.customer()
    cart = ready_cart(shop, anna)
    key = new_key()
    attempts = [eventlet.spawn(shop.checkout, anna, cart["id"], key) for _ in range(6)]
    answers = [attempt.wait() for attempt in attempts]
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1
    assert client.get("/api/v1/orders", headers=anna).json()["total"] == 1


def test_a_refused_checkout_keeps_its_stale_marks_and_leaves_its_key_free(shop, client, catalog):  # noqa: F811
    from services.catalog import schemas as catalog_schemas
    from services.catalog import usecases as catalog_usecases

    anna = shop.customer()
    cart = shop.new_cart(anna)
    shop.add(anna, cart["id"], "DRILL-18V")
    catalog.run(catalog_usecases.update_product, "DRILL-18V",
                catalog_schemas.ProductChanges().load({"price": {"amount": "79.90", "currency": "EUR"}}), utcnow)
    key = new_key()
    refused = shop.checkout(anna, cart["id"], headers=key)  # the checkout asks the catalog itself
    assert_problem(refused, 409, "prices-changed", field=None)
    [line] = client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"]
    assert line["stale"]  # what the refused checkout committed stays, as without a key
    assert client.post(f"/api/v1/carts/{cart['id']}/refresh-prices", headers=anna).status_code == 200
    placed = shop.checkout(anna, cart["id"], headers=key)  # the refusal was not stored: it runs now
    assert placed.status_code == 201, placed.text
    assert shop.checkout(anna, cart["id"], headers=key).json() == placed.json()


# -- the rules of a key -----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["short", "x" * 101, "has a space", "tab\there12"])
def test_a_key_that_is_not_8_to_100_visible_ascii_characters_is_a_problem(shop, client, bad):
    anna = shop.customer()
    response = client.post("/api/v1/carts", json={"name": "C"}, headers={**anna, "Idempotency-Key": bad})
    assert_problem(response, 422, "validation-failed")
    assert client.get("/api/v1/carts", headers=anna).json()["items"] == []


def test_the_same_body_in_other_words_is_the_same_request_another_body_is_not(shop, client):
    anna = shop.customer()
    cart = shop.new_cart(anna)
    key = new_key()
    headers = {**anna, **key, "Content-Type": "application/json"}
    path = f"/api/v1/carts/{cart['id']}/items"
    first = client.post(path, data='{"code": "SAW-01", "quantity": 2}', headers=headers)
    second = client.post(path, data='{"quantity":2,"code":"SAW-01"}', headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert_problem(client.post(path, json={"code": "SAW-01", "quantity": 5}, headers=headers), 422,
                   "idempotency-key-reused")
    assert_problem(client.post("/api/v1/carts", json={"name": "Other"}, headers={**anna, **key}), 422,
                   "idempotency-key-reused")
    lines = client.get(f"/api/v1/carts/{cart['id']}", headers=anna).json()["lines"]
    assert [line["quantity"] for line in lines] == [2]


def test_keys_are_per_caller_and_a_failed_request_stores_nothing(shop, client):
    anna, bruno = shop.customer(), shop.customer("bruno@example.it")
    key = new_key()
    made = client.post("/api/v1/carts", json={"name": "Anna's"}, headers={**anna, **key})
    other = client.post("/api/v1/carts", json={"name": "Bruno's"}, headers={**bruno, **key})
    assert made.status_code == other.status_code == 201
    assert made.json()["id"] != other.json()["id"]
    refused = client.post("/api/v1/carts/no-such-cart/items", json={"code": "SAW-01"}, headers={**anna, **new_key()})
    assert refused.status_code == 404
    key2 = new_key()
    missing = client.post(f"/api/v1/carts/{made.json()['id']}/items", json={"code": "NOPE-1"}, headers={**anna, **key2})
    assert missing.status_code in (404, 409, 422), missing.text
    fixed = client.post(f"/api/v1/carts/{made.json()['id']}/items", json={"code": "NOPE-1"}, headers={**anna, **key2})
    assert fixed.status_code == missing.status_code  # run again, not a stored refusal replayed as success


def test_an_anonymous_registration_retried_with_its_key_makes_one_account(shop, client):
    key = new_key()
    body = {"email": "carla@example.it", "password": "correct horse battery", "first_name": "Carla",
            "last_name": "Neri", "accept_terms": True}
    first = client.post("/api/v1/accounts", json=body, headers=key)
    second = client.post("/api/v1/accounts", json=body, headers=key)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json() == second.json()
    assert client.post("/api/v1/accounts", json=body).status_code == 409  # without the key: taken
    assert_problem(client.post("/api/v1/accounts", json={**body, "email": "dora@example.it"}, headers=key), 422,
                   "idempotency-key-reused")


def test_erasure_forgets_the_answers_kept_for_retries(shop, client, config):
    body = {"email": "carla@example.it", "password": "correct horse battery", "first_name": "Carla",
            "last_name": "Neri", "accept_terms": True}
    assert client.post("/api/v1/accounts", json=body, headers=new_key()).status_code == 201
    carla = shop.as_user(shop.token("carla@example.it"))
    assert client.patch("/api/v1/me", json={"first_name": "Carlotta"}, headers={**carla, **new_key()}).status_code == 200
    assert "carla@example.it" in " ".join(kept_answers(config, "accounts"))
    erased = client.request("DELETE", "/api/v1/me", json={"password": body["password"]}, headers={**carla, **new_key()})
    assert erased.status_code == 204, erased.text
    kept = " ".join(kept_answers(config, "accounts"))
    assert "carla@example.it" not in kept and "Carl" not in kept


def kept_answers(config, service: str) -> list[str]:
    engine = make_engine(config["DATABASE_URLS"][service])
    with engine.connect() as conn:
        answers = conn.execute(select(idempotency_keys.c.answer)).scalars().all()
    engine.dispose()
    return [answer or "" for answer in answers]


# -- without services -------------------------------------------------------------------------------
CALL = re.compile(r'call\(self\.(\w+), "(\w+)"')


def keyed_routes():
    for name in dir(GatewayService):
        function = getattr(GatewayService, name)
        for extension in getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(extension, Route):
                yield extension, function


def test_every_unsafe_route_takes_a_key_and_the_method_it_calls_honours_it():
    unsafe = [(r, f) for r, f in keyed_routes() if r.method in ("POST", "PUT", "PATCH", "DELETE")]
    assert len(unsafe) > 40
    refused = {r.url for r, _ in unsafe if not r.idempotent}
    assert refused == {"/api/v1/auth/login", "/api/v1/carts/<cart_id>/checkout/preview"}
    for route, function in unsafe:
        if not route.idempotent:
            continue
        calls = CALL.findall(inspect.getsource(inspect.unwrap(function)))
        assert calls, route.url
        for service, method in calls:
            assert getattr(getattr(import_service(service), method), "idempotent", False), (route.url, method)


def test_the_openapi_document_lists_the_header_on_unsafe_operations():
    spec = build_spec(GatewayService)
    payments = spec["paths"]["/api/v1/staff/orders/{number}/payments"]["post"]
    # Every operation also reads X-Request-ID (tests/gateway/test_openapi.py): only the key matters here.
    def keys(operation):
        return [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "Idempotency-Key"]
    [header] = keys(payments)
    assert header["required"] is False
    assert "422" in payments["responses"]
    assert not keys(spec["paths"]["/api/v1/auth/login"]["post"])
    assert not keys(spec["paths"]["/api/v1/carts"]["get"])


def test_expired_keys_are_pruned_with_the_outbox_and_inbox(databases):
    url = databases.url("orders")
    upgrade("orders", url)
    engine = make_engine(url)
    now = utcnow()
    with engine.begin() as conn:
        for name, expires in (("old", now - timedelta(hours=1)), ("fresh", now + timedelta(hours=23))):
            conn.execute(insert(idempotency_keys).values(scope="c1", key=f"{name}-key-123", fingerprint="f" * 64,
                                                         status=201, answer="{}", created_at=now - timedelta(hours=25),
                                                         expires_at=expires))
    prune(sessionmaker(engine), Retention())
    with engine.connect() as conn:
        assert conn.execute(select(idempotency_keys.c.key)).scalars().all() == ["fresh-key-123"]
    engine.dispose()

