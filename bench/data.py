"""The benchmark's data set, written straight into each service's database before the stack starts.

    100,000 products, 10,000 customers, 50,000 orders, 5,000 RMAs, one desk thread per customer
    (``--quick``: 5,000 / 1,000 / 5,000 / 500)

Rows are made by each service's own domain constructors (Customer, Cart and Order, DeliveredOrder,
Rma, Thread), so they have the shapes the services write, and inserted in bulk through the
services' own table definitions (``adapters/orm.py``): one ``executemany`` per table and batch,
no unit of work per row, no HTTP. The products come from the catalog's own generator
(``sportello catalog generate``). Every customer has the same password; its argon2id hash is
computed once, with the accounts service's own parameters, and reused.

Readable numbers (CUS-, ORD-, RMA-) continue from the generated ones: each service's counter row
is set past them, so orders and returns placed during the run get fresh numbers.

Besides the bulk, each of the first ``BENCH_CUSTOMERS`` customers (the load generator's clients)
gets what its paths need: ready carts to check out, and in the returns database one delivered
order with its window open and enough pieces for every RMA the run may create. The event row
publishes ``order_delivered`` for orders delivered in the orders database (returns opens a
window only for a delivery orders confirms): the loader makes those too, one per event the run
may publish, and hands over their delivery facts.
"""
from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import create_engine, insert, select

PASSWORD = "benchmark passphrase 2026"
BENCH_CUSTOMERS = 50  # one per client at the highest concurrency
BATCH = 5000
ADDRESS = {"name": "Bench Buyer", "street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "country": "IT"}
BILLING = {"street": "Via Roma 1", "postal_code": "20121", "city": "Milano", "country": "IT"}
CART_CODES = 5  # products each bench customer adds to its active cart (the cart stays small)


@dataclass(frozen=True)
class Scale:
    products: int
    customers: int
    orders: int
    rmas: int

    @classmethod
    def full(cls) -> "Scale":
        return cls(products=100_000, customers=10_000, orders=50_000, rmas=5_000)

    @classmethod
    def quick(cls) -> "Scale":
        return cls(products=5_000, customers=1_000, orders=5_000, rmas=500)


@dataclass
class BenchCustomer:
    """What a load-generator client knows about the customer it plays."""

    id: str
    email: str
    orders: list[str]                 # order numbers in the orders database
    delivered_order: str              # an order number whose return window is open (returns database)
    carts: list[str] = field(default_factory=list)   # ready to check out (one product line each)
    cart_codes: list[str] = field(default_factory=list)


@dataclass
class DataSet:
    scale: Scale
    customers: list[BenchCustomer]
    product_codes: list[str]          # a sample of active product codes (product page, cart add)
    seconds: dict[str, float]
    deliveries: list[dict] = field(default_factory=list)  # delivery facts of orders the event row announces


def _engine(settings, service: str):
    from services.chassis.database import make_engine

    return make_engine(settings.database_url(service))


def _rows(table, objects) -> list[dict]:
    """The column values of domain objects, as their mapper would write them."""
    names = [column.name for column in table.columns]
    return [{name: getattr(obj, name) for name in names} for obj in objects]


def _insert(connection, table, rows: list[dict]) -> None:
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
        return
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start:start + BATCH])


def _copy(connection, table, rows: list[dict]) -> None:
    """PostgreSQL: one COPY per table, in the connection's transaction. An executemany there is
    multi-row INSERTs of 1,000 rows (SQLAlchemy's insertmanyvalues), which the server parses and
    plans one by one; COPY streams the rows. Each value goes through its column type's own bind
    processor first (JSON encoding, UTC datetimes), so the stored values are the INSERT's."""
    if not rows:
        return
    columns = list(table.columns)
    processors = [(column.name, column.type._cached_bind_processor(connection.dialect)) for column in columns]
    names = ", ".join(connection.dialect.identifier_preparer.quote(column.name) for column in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {connection.dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([process(row[name]) if process else row[name] for name, process in processors])


def analyze(settings) -> None:
    """PostgreSQL: fresh planner statistics and visibility maps for the tables just filled, as
    autovacuum would make some minutes later; the first rows measured would otherwise run on the
    plans of empty tables."""
    from services.chassis.config import SERVICES

    for name in SERVICES:
        engine = _engine(settings, name)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()


def _set_counter(connection, name: str, value: int) -> None:
    from services.chassis.tables import counters

    connection.execute(counters.delete().where(counters.c.name == name))
    connection.execute(insert(counters).values(name=name, value=value))


def migrate(settings) -> None:
    from services.chassis.config import SERVICES
    from services.chassis.migrations import upgrade

    for name in SERVICES:
        upgrade(name, settings.database_url(name))


def load(settings, scale: Scale, seed: int = 1, log=print) -> DataSet:
    """Migrate every database, then fill them; returns what the load generator needs."""
    rng = random.Random(seed)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    migrate(settings)
    seconds["migrate"] = time.monotonic() - started

    started = time.monotonic()
    _products(scale.products, seed)
    products = _product_sample(settings, rng, 2000)
    seconds["products"] = time.monotonic() - started
    log(f"data: {scale.products} products in {seconds['products']:.1f}s")

    started = time.monotonic()
    customers = _customers(settings, scale.customers)
    seconds["customers"] = time.monotonic() - started
    log(f"data: {scale.customers} customers in {seconds['customers']:.1f}s (one argon2id hash, reused)")

    started = time.monotonic()
    orders_by_customer, delivered = _orders(settings, rng, customers, products, scale.orders)
    seconds["orders"] = time.monotonic() - started
    log(f"data: {scale.orders} orders in {seconds['orders']:.1f}s")

    started = time.monotonic()
    bench = [BenchCustomer(id=c["id"], email=c["email"], orders=orders_by_customer.get(c["id"], []),
                           delivered_order=f"ORD-2026-9{i:05d}") for i, c in enumerate(customers[:BENCH_CUSTOMERS])]
    _returns(settings, rng, delivered, scale.rmas, bench, products)
    seconds["returns"] = time.monotonic() - started
    log(f"data: {scale.rmas} RMAs ({len(delivered)} delivered orders copied) in {seconds['returns']:.1f}s")

    started = time.monotonic()
    _threads(settings, customers)
    seconds["threads"] = time.monotonic() - started

    started = time.monotonic()
    _carts(settings, rng, bench, products)
    # a customer no client plays: the clients' order lists stay as they were
    deliveries = _deliveries(settings, rng, customers[BENCH_CUSTOMERS]["id"], products, max(3000, scale.orders // 4))
    seconds["carts"] = time.monotonic() - started
    log(f"data: {len(customers)} desk threads, {sum(len(b.carts) for b in bench)} ready carts in "
        f"{seconds['threads'] + seconds['carts']:.1f}s")

    started = time.monotonic()
    analyze(settings)
    seconds["analyze"] = time.monotonic() - started
    return DataSet(scale, bench, [p["code"] for p in products], seconds, deliveries)


# -- catalog -------------------------------------------------------------------------------------
def _products(count: int, seed: int) -> None:
    from services.catalog.cli import main as catalog_cli

    # The catalog's own generator, in this process (it reads CATALOG_DATABASE_URL like the services).
    if catalog_cli(["generate", "--count", str(count), "--seed", str(seed)]) != 0:
        raise RuntimeError("catalog generate failed")


def _product_sample(settings, rng, count: int) -> list[dict]:
    from services.catalog.adapters.orm import products

    with _engine(settings, "catalog").connect() as connection:
        rows = connection.execute(select(products.c.code, products.c.name, products.c.price_amount,
                                         products.c.currency, products.c.vat_rate)
                                  .where(products.c.active.is_(True))).mappings().all()
    rows = [dict(r) for r in rows]
    return rng.sample(rows, min(count, len(rows)))


# -- accounts ------------------------------------------------------------------------------------
def _customers(settings, count: int) -> list[dict]:
    from services.accounts.adapters.orm import customers as table
    from services.accounts.adapters.passwords import _argon2  # the service's own parameters
    from services.accounts.domain.model import Customer

    password_hash = _argon2.hash(PASSWORD)
    now = datetime.now(timezone.utc)
    made = [Customer(customer_number=f"CUS-{n:06d}", email=f"bench-{n:05d}@example.it", first_name="Bench",
                     last_name=f"Customer {n}", password_hash=password_hash, now=now, language="it")
            for n in range(1, count + 1)]
    with _engine(settings, "accounts").begin() as connection:
        _insert(connection, table, _rows(table, made))
        _set_counter(connection, "customer_number", count)
    return [{"id": c.id, "email": c.email, "number": c.customer_number} for c in made]


# -- orders --------------------------------------------------------------------------------------
def _order_objects(rng, customers, products, count: int):
    from services.orders.domain.model import Cart, CartLine, Order, StatusChange

    year_start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    made, by_customer, delivered = [], {}, []
    for n in range(1, count + 1):
        customer = customers[(n - 1) % len(customers)]
        placed = year_start + timedelta(minutes=n * 10)
        cart = Cart(customer["id"], None, "Cart", "", placed)
        for product in rng.sample(products, rng.randint(1, 3)):
            cart.lines.append(CartLine("product", product["code"], product["name"], rng.randint(1, 3),
                                       product["price_amount"], product["currency"].strip(), product["vat_rate"]))
        order = Order(number=f"ORD-2025-{n:06d}", cart=cart, customer_kind="private", billing=dict(BILLING),
                      shipping_address=dict(ADDRESS), payment_method="bank_transfer", idempotency_key=None,
                      now=placed)
        order.status = rng.choice(("placed", "processing", "fulfilled", "delivered", "delivered"))
        if order.status == "delivered":
            order.delivered_at = placed + timedelta(days=2)
            order.payment_status = "paid"
            order.history.append(StatusChange("delivered", order.delivered_at))
            delivered.append(order)
        made.append(order)
        by_customer.setdefault(customer["id"], []).append(order.number)
    return made, by_customer, delivered


def _children(parents: list, attribute: str, parent_key: str) -> list:
    """The parents' child objects in one list, each given its parent's id (the foreign key for the bulk insert)."""
    children = []
    for parent in parents:
        for child in getattr(parent, attribute):
            setattr(child, parent_key, parent.id)
            children.append(child)
    return children


def _orders(settings, rng, customers, products, count: int):
    from services.orders.adapters.orm import order_lines, order_status_changes, orders

    made, by_customer, delivered = _order_objects(rng, customers, products, count)
    lines, history = _children(made, "lines", "order_id"), _children(made, "history", "order_id")
    with _engine(settings, "orders").begin() as connection:
        _insert(connection, orders, _rows(orders, made))
        _insert(connection, order_lines, _rows(order_lines, lines))
        _insert(connection, order_status_changes, _rows(order_status_changes, history))
        _set_counter(connection, "order-2025", count)
    return by_customer, delivered


def _carts(settings, rng, bench: list[BenchCustomer], products) -> None:
    """Carts ready to check out: enough that no client runs out in a measurement."""
    from services.orders.adapters.orm import cart_lines, carts
    from services.orders.domain.model import Cart, CartLine

    now = datetime.now(timezone.utc)
    made, lines = [], []
    for index, customer in enumerate(bench):
        customer.cart_codes = [p["code"] for p in rng.sample(products, CART_CODES)]
        # the first client runs alone at 1 client (about 50 checkouts/s); ten, then fifty share the load
        for n in range(600 if index == 0 else 150 if index < 10 else 40):
            cart = Cart(customer.id, None, f"Bench {n}", "", now)
            cart.status = "inactive"
            product = rng.choice(products)
            line = CartLine("product", product["code"], product["name"], 1, product["price_amount"],
                            product["currency"].strip(), product["vat_rate"])
            line.position, line.cart_id = 1, cart.id
            made.append(cart)
            lines.append(line)
            customer.carts.append(cart.id)
    with _engine(settings, "orders").begin() as connection:
        _insert(connection, carts, _rows(carts, made))
        _insert(connection, cart_lines, _rows(cart_lines, lines))


def _deliveries(settings, rng, customer_id: str, products, count: int) -> list[dict]:
    """Orders of one customer, delivered and not yet announced: ORD-2026-8xxxxx
    (beside the returns-only copies ORD-2026-9xxxxx and the run's own checkouts from 000001)."""
    from services.orders.adapters.orm import order_lines, order_status_changes, orders
    from services.orders.domain.model import Cart, CartLine, Order, StatusChange

    delivered_at = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    made = []
    for n in range(count):
        cart = Cart(customer_id, None, "Cart", "", delivered_at)
        product = rng.choice(products)
        cart.lines.append(CartLine("product", product["code"], product["name"], 1, product["price_amount"],
                                   product["currency"].strip(), product["vat_rate"]))
        order = Order(number=f"ORD-2026-8{n:05d}", cart=cart, customer_kind="private", billing=dict(BILLING),
                      shipping_address=dict(ADDRESS), payment_method="bank_transfer", idempotency_key=None,
                      now=delivered_at - timedelta(days=2))
        order.status, order.payment_status, order.delivered_at = "delivered", "paid", delivered_at
        order.history.append(StatusChange("delivered", delivered_at))
        made.append(order)
    lines, history = _children(made, "lines", "order_id"), _children(made, "history", "order_id")
    with _engine(settings, "orders").begin() as connection:
        _insert(connection, orders, _rows(orders, made))
        _insert(connection, order_lines, _rows(order_lines, lines))
        _insert(connection, order_status_changes, _rows(order_status_changes, history))
    return [order.delivery_facts() for order in made]


# -- returns -------------------------------------------------------------------------------------
def _returns(settings, rng, delivered_orders, rma_count: int, bench: list[BenchCustomer], products) -> None:
    from services.returns.adapters.orm import delivered_lines, delivered_orders as delivered_table, rma_lines, \
        rma_timeline, rmas
    from services.returns.domain.model import Rma, RmaLine
    from services.returns.domain.orders import DeliveredLine, DeliveredOrder
    from services.returns.domain.policies import ReturnPolicy, review_deadline

    policy = ReturnPolicy()
    now = datetime.now(timezone.utc)
    copies = []
    for order in delivered_orders:
        lines = [DeliveredLine(l.position, l.kind, l.reference, l.name, l.quantity, l.unit_price, order.currency,
                               l.vat_rate) for l in order.lines]
        copies.append(DeliveredOrder(order.number, order.owner_id, None, "private", order.delivered_at, lines,
                                     policy, order.delivered_at))
    product = products[0]
    for customer in bench:  # delivered just now: the window is open for the whole run
        line = DeliveredLine(1, "product", product["code"], product["name"], 9999, product["price_amount"],
                             product["currency"].strip(), product["vat_rate"])
        copies.append(DeliveredOrder(customer.delivered_order, customer.id, None, "private", now, [line], policy,
                                     now))
    made = []
    for n, order in enumerate(rng.sample(copies[:len(delivered_orders)], min(rma_count, len(delivered_orders))), 1):
        first = order.lines[0]
        line = RmaLine(first.position, first.reference, first.name, 1, first.unit_price, first.currency,
                       first.vat_rate, "Does not work", "", "intact", "unused", "")
        created = order.delivered_at + timedelta(days=3)
        rma = Rma(number=f"RMA-2025-{n:06d}", order=order, customer_id=order.customer_id, company_id=None,
                  request_type="standard_warranty", lines=[line], message="It stopped working.",
                  return_address=dict(ADDRESS, phone=None), invoice_number=None, contact_email=None,
                  idempotency_key=None, review_deadline=review_deadline(created, policy), now=created)
        rma.status = rng.choice(("submitted", "approved", "rejected"))
        made.append(rma)
    d_lines = _children(copies, "lines", "order_id")
    r_lines, timeline = _children(made, "lines", "rma_id"), _children(made, "timeline", "rma_id")
    with _engine(settings, "returns").begin() as connection:
        _insert(connection, delivered_table, _rows(delivered_table, copies))
        _insert(connection, delivered_lines, _rows(delivered_lines, d_lines))
        _insert(connection, rmas, _rows(rmas, made))
        _insert(connection, rma_lines, _rows(rma_lines, r_lines))
        _insert(connection, rma_timeline, _rows(rma_timeline, timeline))
        _set_counter(connection, "rma-2025", len(made))


# -- messaging -----------------------------------------------------------------------------------
def _threads(settings, customers) -> None:
    from services.messaging.adapters.orm import thread_messages, threads
    from services.messaging.domain.threads import Contact, Thread

    now = datetime.now(timezone.utc) - timedelta(days=1)
    made, messages = [], []
    for customer in customers:
        thread, message, _alerts = Thread.open(customer["id"], "Where is my parcel? It should have arrived by now.",
                                               Contact(customer["email"], "it"), now)
        message.thread_id = thread.id
        made.append(thread)
        messages.append(message)
    with _engine(settings, "messaging").begin() as connection:
        _insert(connection, threads, _rows(threads, made))
        _insert(connection, thread_messages, _rows(thread_messages, messages))


if __name__ == "__main__":  # python -m bench.data [--quick]: fill the databases of SPORTELLO_VAR_DIR
    from services.chassis.config import load_settings

    chosen = Scale.quick() if "--quick" in sys.argv else Scale.full()
    data = load(load_settings(), chosen)
    print(f"loaded {chosen} in {sum(data.seconds.values()):.1f}s")
