"""The whole benchmark: every hot path beside the floors of the same run (``python -m bench``).

    python -m bench            # full: 100,000 products, 1 / 10 / 50 clients, ~10 minutes
    python -m bench --quick    # about a minute: small data, 1 / 10 clients, short rows
    python -m bench --topology cluster   # the same on the production topology (bench/cluster.py)

1. A stack on loopback (bench/harness.py: ``sportello run``, every service and the gateway a
   process of its own) in a temporary directory, on a RabbitMQ vhost of its own, after the
   data set was written into the databases (bench/data.py). ``--topology cluster``: PostgreSQL,
   three RabbitMQ nodes with quorum queues and two processes of every service instead
   (bench/cluster.py), with results and a docs section of their own; no scale-out step there.
2. At each concurrency: the floors, then every path, each for a fixed time with one client
   per thread; each client plays its own customer (token, carts, orders, delivered order).
3. Once, at 10 clients: how many token checks reach accounts per authenticated request.
4. RSS and CPU time of every service process after the load; then the hottest service
   doubled (a second catalog process on the same queue) and search measured again.
5. A table on stdout, bench/results/<date>.json and latest.json, the plot and (full run, or
   ``--docs``) the generated part of docs/performance.md (bench/report.py).
"""
from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import requests

from bench import data as bench_data
from bench import report
from bench.catalog_search import query_mix
from bench.harness import Exhausted, Figure, OwnVhost, Stack, measure, merged

LINE = {"position": 1, "quantity": 1, "justification": "Bench", "seal_state": "intact", "usage_condition": "unused"}

# What each path is, for the targets: reads must stay within 1.5x the indexed-read floor, writes 2x.
FLOOR_LIVE = "floor: gateway only (/health/live)"
FLOOR_PING = "floor: gateway -> RPC -> ping"
FLOOR_READ = "floor: gateway -> RPC -> indexed read"
READS = ("catalog search", "product page", "order list", "order detail", "thread list")
WRITES = ("login", "cart add", "checkout", "RMA create")
EVENT = "order_delivered -> window open"
HOTTEST = "catalog"  # search is the busiest and costliest path; see docs/performance.md, "Scale-out"


@dataclass(frozen=True)
class Plan:
    mode: str
    scale: bench_data.Scale
    clients: tuple[int, ...]
    seconds: float
    warmup: float
    scale_out_clients: tuple[int, ...]
    settle: float  # pause after a write row (its events and mails are handled meanwhile)

    @classmethod
    def of(cls, quick: bool) -> "Plan":
        if quick:
            return cls("quick", bench_data.Scale.quick(), (1, 10), 1.2, 0.2, (10,), 0.5)
        return cls("full", bench_data.Scale.full(), (1, 10, 50), 8.0, 1.0, (10, 50), 2.0)


class Paths:
    """The request functions, one per path: ``(session, number) -> ok``; session.client is the client."""

    def __init__(self, base_url: str, data: bench_data.DataSet, tokens: list[str], search_mix: list[dict]):
        self.url = base_url
        self.data = data
        self.auth = [{"Authorization": f"Bearer {token}"} for token in tokens]
        self.search_mix = search_mix
        self.floor_code = data.product_codes[0]
        self.carts = [iter(customer.carts) for customer in data.customers]
        self.lock = threading.Lock()

    def customer(self, session) -> bench_data.BenchCustomer:
        return self.data.customers[session.client]

    # -- floors ---------------------------------------------------------------------------------
    def live(self, session, _):
        return session.get(f"{self.url}/health/live", timeout=30).status_code == 200

    def ping(self, session, _):
        return session.get(f"{self.url}/health/catalog", timeout=30).status_code == 200

    def indexed_read(self, session, _):
        return session.get(f"{self.url}/api/v1/catalog/products/{self.floor_code}", timeout=30).status_code == 200

    # -- paths ----------------------------------------------------------------------------------
    def login(self, session, _):
        response = session.post(f"{self.url}/api/v1/auth/login", timeout=30, json={
            "identifier": self.customer(session).email, "password": bench_data.PASSWORD})
        return response.status_code == 200

    def search(self, session, number):
        return session.get(f"{self.url}/api/v1/catalog/products", params=self.search_mix[number % len(self.search_mix)],
                           timeout=30).status_code == 200

    def product_page(self, session, number):
        code = self.data.product_codes[(number * 7919) % len(self.data.product_codes)]
        return session.get(f"{self.url}/api/v1/catalog/products/{code}", timeout=30).status_code == 200

    def cart_add(self, session, number):
        codes = self.customer(session).cart_codes
        return session.post(f"{self.url}/api/v1/cart/items", json={"code": codes[number % len(codes)]},
                            headers=self.auth[session.client], timeout=30).status_code == 201

    def checkout(self, session, _):
        with self.lock:
            cart_id = next(self.carts[session.client], None)
        if cart_id is None:
            raise Exhausted
        response = session.post(f"{self.url}/api/v1/carts/{cart_id}/checkout", headers=self.auth[session.client],
                                timeout=30, json={"shipping_address": bench_data.ADDRESS, "billing": bench_data.BILLING,
                                                  "payment_method": "bank_transfer"})
        return response.status_code == 201

    def order_list(self, session, _):
        return session.get(f"{self.url}/api/v1/orders", headers=self.auth[session.client],
                           timeout=30).status_code == 200

    def order_detail(self, session, number):
        orders = self.customer(session).orders
        return session.get(f"{self.url}/api/v1/orders/{orders[number % len(orders)]}",
                           headers=self.auth[session.client], timeout=30).status_code == 200

    def rma_create(self, session, number):
        return session.post(f"{self.url}/api/v1/returns", headers=self.auth[session.client], timeout=30, json={
            "order_number": self.customer(session).delivered_order, "request_type": "standard_warranty",
            "message": f"bench {number}", "return_address": bench_data.ADDRESS, "lines": [LINE]}).status_code == 201

    def thread_list(self, session, _):
        return session.get(f"{self.url}/api/v1/messages", headers=self.auth[session.client],
                           timeout=30).status_code == 200


class WindowProbe:
    """``order_delivered`` published -> the return window committed in returns' database.

    Each client publishes one event the way the orders relay does (nameko's dispatcher, JSON)
    and waits until the row is visible to another connection of the returns database (SQLite
    file or PostgreSQL, autocommit); one poller thread looks for every awaited order number
    every millisecond. Each event announces one of the loader's delivered orders (``deliveries``,
    never one twice): returns asks orders to confirm a delivery before it opens the window.
    """

    def __init__(self, database_url: str, amqp_uri: str, deliveries: list[dict]):
        self.database_url, self.amqp_uri = database_url, amqp_uri
        self.deliveries = iter(deliveries)
        self.waiting: dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.poller = threading.Thread(target=self._poll, daemon=True)
        self.poller.start()

    def _connect(self):
        """A plain DB-API connection and its placeholder (no pool, no ORM: the poll stays cheap)."""
        from sqlalchemy.engine import make_url

        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            return sqlite3.connect(url.database, timeout=30, isolation_level=None), "?"
        import psycopg

        return psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                               autocommit=True), "%s"

    def _poll(self) -> None:
        db, mark = self._connect()
        while not self.stopped.is_set():
            with self.lock:
                numbers = list(self.waiting)
            if numbers:
                # Bandit B608 accepted: only placeholders are formatted in; the numbers are bound.
                found = db.execute(f"SELECT order_number FROM delivered_orders WHERE order_number IN "  # nosec B608
                                   f"({','.join([mark] * len(numbers))})", numbers).fetchall()
                with self.lock:
                    for (number,) in found:
                        self.waiting.pop(number).set()
            time.sleep(0.001)
        db.close()

    def close(self) -> None:
        self.stopped.set()
        self.poller.join(timeout=5)

    def __call__(self, session, _number) -> bool:
        from nameko.standalone.events import event_dispatcher

        dispatch = getattr(session, "dispatch", None)
        if dispatch is None:
            dispatch = session.dispatch = event_dispatcher({"AMQP_URI": self.amqp_uri, "serializer": "json"})
        committed = threading.Event()
        with self.lock:
            facts = next(self.deliveries, None)
            if facts is None:
                raise Exhausted
            number = facts["order_number"]
            self.waiting[number] = committed
        dispatch("orders", "order_delivered", {"event_id": str(uuid.uuid4()), "schema_version": 1,
                                               "occurred_at": datetime.now(timezone.utc).isoformat(), **facts})
        if committed.wait(30):
            return True
        with self.lock:
            self.waiting.pop(number, None)
        return False


def login_all(base_url: str, customers: list[bench_data.BenchCustomer]) -> list[str]:
    tokens = []
    with requests.Session() as session:
        for customer in customers:
            response = session.post(f"{base_url}/api/v1/auth/login", timeout=60,
                                    json={"identifier": customer.email, "password": bench_data.PASSWORD})
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return tokens


class Broker:
    """What the run asks RabbitMQ, over AMQP on the run's own vhost (exact and immediate, where the
    management API's statistics lag by up to 5 s).

    Token checks: a spy queue bound to nameko's RPC exchange for ``accounts.authenticate`` gets a
    copy of every token check the gateway sends, and a thread counts them as they arrive. (Counting
    the queue's length would not do: RPC requests expire after the RPC timeout, copies included.)
    """

    SPY = "bench-token-checks"

    def __init__(self, amqp_uri: str, vhost: OwnVhost):
        from kombu import Connection

        self.vhost = vhost
        self.amqp_uri = amqp_uri
        self.control = Connection(amqp_uri)
        self.channel = self.control.channel()
        self.checks = 0
        self.stopped = threading.Event()
        ready = threading.Event()
        self.counter = threading.Thread(target=self._count, args=(ready,), daemon=True)
        self.counter.start()
        if not ready.wait(30):
            raise RuntimeError("the token-check spy did not start")

    def _count(self, ready: threading.Event) -> None:
        import socket

        from kombu import Connection, Consumer, Exchange, Queue

        def counted(_body, _message):
            self.checks += 1

        with Connection(self.amqp_uri) as connection:
            spy = Queue(self.SPY, Exchange("nameko-rpc", type="topic", durable=True),
                        routing_key="accounts.authenticate", exclusive=True)
            with Consumer(connection, queues=[spy], callbacks=[counted], no_ack=True, accept=["json"]):
                ready.set()
                while not self.stopped.is_set():
                    try:
                        connection.drain_events(timeout=0.5)
                    except socket.timeout:
                        pass

    def token_checks(self) -> int:
        return self.checks

    def consumers(self, queue: str) -> int:
        return self.channel.queue_declare(queue, passive=True).consumer_count

    def broker_version(self) -> str:
        try:
            return requests.get(f"{self.vhost.api}/overview", auth=self.vhost.auth, timeout=10).json()["rabbitmq_version"]
        except (requests.RequestException, ValueError, KeyError):
            return self.control.connection.server_properties.get("version", b"?").decode()

    def close(self) -> None:
        self.stopped.set()
        self.counter.join(timeout=5)
        self.control.release()


AUTHENTICATED = ("cart add", "checkout", "order list", "order detail", "RMA create", "thread list")


def token_checks(figures: list[Figure], checks: int, clients: int, elapsed: float) -> dict:
    """Token checks that reached accounts while one concurrency's rows ran (the spy's count), against
    the authenticated requests made meanwhile. The gateway caches a check for at most 1 s, so
    with one token per client there can be at most about one check per client per second;
    anything near one check per request would be the extra RPC hop the cache exists to avoid."""
    requests_made = sum(f.requests for f in figures if f.path in AUTHENTICATED and f.clients == clients)
    bound = clients * (int(elapsed) + 1)
    return {"clients": clients, "requests": requests_made, "seconds": round(elapsed, 1), "tokens": clients,
            "cache_seconds": 1.0, "verified": True, "token_checks": checks,
            "per_request": round(checks / max(1, requests_made), 4), "bound": bound, "met": checks <= bound}


def memory_and_cpu(stack: Stack) -> dict:
    import psutil

    found = {}
    for name, processes in sorted(stack.service_processes().items()):
        for index, process in enumerate(processes):
            try:
                with process.oneshot():
                    rss = process.memory_info().rss
                    cpu = process.cpu_times()
            except psutil.Error:
                continue
            key = name if index == 0 else f"{name} #{index + 1}"
            found[key] = {"pid": process.pid, "rss_mb": round(rss / 2**20, 1),
                          "cpu_seconds": round(cpu.user + cpu.system, 1)}
    return found


def run_level(paths: Paths, probe: WindowProbe, clients: int, plan: Plan, log) -> list[Figure]:
    """Every path at one concurrency. The floors run half before the paths and half after them, and
    each floor's figure is over both halves: a floor then describes the same stretch of time as
    the paths it is the yardstick for, not only its first seconds."""
    floors = [(FLOOR_LIVE, paths.live), (FLOOR_PING, paths.ping), (FLOOR_READ, paths.indexed_read)]
    first = {}
    for name, request in floors:
        if plan.warmup:
            measure(name, request, clients, plan.warmup)
        first[name] = measure(name, request, clients, plan.seconds / 2)
    # Reads first, then writes: a write leaves work behind (outbox events, their consumers, mails),
    # which would otherwise land on the next row; after each write the stack gets a moment to settle.
    rows = [("login", paths.login), ("catalog search", paths.search), ("product page", paths.product_page),
            ("order list", paths.order_list), ("order detail", paths.order_detail), ("thread list", paths.thread_list),
            ("cart add", paths.cart_add), ("checkout", paths.checkout), ("RMA create", paths.rma_create),
            (EVENT, probe)]
    figures = []
    for name, request in rows:
        if plan.warmup and request is not paths.checkout:
            measure(name, request, clients, plan.warmup)
        figure = measure(name, request, clients, plan.seconds)
        log(f"  {clients:>3} clients  {name:40} {figure.rps:>8} req/s  p50 {figure.p50_ms:>7} ms  "
            f"p99 {figure.p99_ms:>7} ms  errors {figure.errors}")
        figures.append(figure)
        if name in WRITES or name == EVENT:
            time.sleep(plan.settle)
    for name, request in reversed(floors):
        figure = merged(first[name], measure(name, request, clients, plan.seconds / 2))
        log(f"  {clients:>3} clients  {name:40} {figure.rps:>8} req/s  p50 {figure.p50_ms:>7} ms  "
            f"p99 {figure.p99_ms:>7} ms  errors {figure.errors}")
        figures.insert(0, figure)
    return figures


SCALE_OUT_ROWS = (FLOOR_READ, "catalog search", "product page")


def scale_out(stack: Stack, paths: Paths, stats: Broker, plan: Plan, log) -> dict:
    """The hottest service twice: a second process consuming from the same RPC queue.

    The same rows are measured with one process just before (``baseline``), so that both
    sides of the comparison see the machine in the same state."""
    requests_of = {FLOOR_READ: paths.indexed_read, "catalog search": paths.search, "product page": paths.product_page}

    def rows(label: str) -> list[Figure]:
        measured = []
        for clients in plan.scale_out_clients:
            for name in SCALE_OUT_ROWS:
                if plan.warmup:
                    measure(name, requests_of[name], clients, plan.warmup)
                figure = measure(name, requests_of[name], clients, plan.seconds)
                log(f"  {label}  {clients:>3} clients  {name:32} {figure.rps:>8} req/s  p99 {figure.p99_ms:>7} ms")
                measured.append(figure)
        return measured

    baseline = rows(f"1x {HOTTEST}")
    extra = stack.start_instance(HOTTEST)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (stats.consumers(f"rpc-{HOTTEST}") or 0) < 2:
        time.sleep(0.5)
    consumers = stats.consumers(f"rpc-{HOTTEST}")
    time.sleep(max(2.0, plan.settle))  # the new process finishes starting (imports, connections) first
    try:
        figures = rows(f"2x {HOTTEST}")
    finally:
        stack.stop_instance(extra)
    return {"service": HOTTEST, "instances": 2, "consumers_seen": consumers, "baseline": baseline,
            "figures": figures}


def _version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, 1 and 10 clients, short rows (~1 minute)")
    parser.add_argument("--seconds", type=float, help="override the duration of each row")
    parser.add_argument("--clients", type=int, nargs="+", help="override the concurrency levels")
    parser.add_argument("--docs", action=argparse.BooleanOptionalAction, default=None,
                        help="rewrite docs/performance.md and the plot (default: on for the full run only)")
    parser.add_argument("--no-scale-out", action="store_true", help="skip the second instance of the hottest service")
    parser.add_argument("--topology", choices=("sqlite", "cluster"), default="sqlite",
                        help="sqlite: one process per service, SQLite, the system broker (default); cluster: the "
                             "production topology of make run-cluster (PostgreSQL, 3 RabbitMQ nodes, quorum queues, "
                             "2 processes per service; no scale-out step), results latest-cluster.json")
    args = parser.parse_args(argv)
    cluster = args.topology == "cluster"
    if cluster:  # a SIGTERM unwinds the with blocks too: the nodes and PostgreSQL are stopped
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = Plan.of(args.quick)
    if args.seconds or args.clients:
        plan = Plan(plan.mode, plan.scale, tuple(args.clients or plan.clients), args.seconds or plan.seconds,
                    plan.warmup, plan.scale_out_clients, plan.settle)
    write_docs = plan.mode == "full" if args.docs is None else args.docs
    log = report.log
    started = time.monotonic()
    load_before = os.getloadavg()

    versions = report.versions("?")  # the code as it starts, before anything can change under the run
    from bench.cluster import INSTANCES, Cluster

    vhost = Cluster(log) if cluster else OwnVhost()  # where the broker's management API is, either way
    with vhost as entered:
        amqp_uri = vhost.amqp_uri if cluster else entered
        if cluster:
            versions.pop("sqlite", None)
            versions.update(postgresql=vhost.postgresql_version(), psycopg=_version("psycopg"), instances=INSTANCES)
        stack = Stack(keep_var=False, instances=INSTANCES if cluster else 1, startup_timeout=300 if cluster else 120)
        os.environ["SPORTELLO_VAR_DIR"] = stack.var  # the data loader writes where the stack will read
        from services.chassis.config import load_settings

        log(f"bench ({plan.mode}): data into {stack.var}")
        data = bench_data.load(load_settings(), plan.scale, log=log)
        with stack:
            log(f"bench: stack up at {stack.url} after {time.monotonic() - started:.0f}s")
            tokens = login_all(stack.url, data.customers)
            paths = Paths(stack.url, data, tokens, query_mix(stack.url))
            stats = Broker(amqp_uri, vhost)
            probe = WindowProbe(load_settings().database_url("returns"), amqp_uri, data.deliveries)
            figures = []
            auth = None
            try:
                for clients in plan.clients:
                    before, level_started = stats.token_checks(), time.monotonic()
                    level = run_level(paths, probe, clients, plan, log)
                    elapsed = time.monotonic() - level_started
                    time.sleep(0.5)  # the last checks' copies reach the spy queue
                    figures += level
                    if clients == 10:
                        auth = token_checks(level, stats.token_checks() - before, clients, elapsed)
                        log(f"  token checks: {auth}")
            finally:
                probe.close()
            processes = memory_and_cpu(stack)
            scaled = None if args.no_scale_out or cluster else scale_out(stack, paths, stats, plan, log)
            versions["rabbitmq"] = stats.broker_version()
            stats.close()
    run = report.Run(mode=plan.mode, scale=plan.scale, seconds_per_row=plan.seconds, clients=plan.clients,
                     figures=figures, auth=auth, processes=processes, scale_out=scaled, versions=versions,
                     data_seconds=data.seconds, load_before=load_before, load_after=os.getloadavg(),
                     wall_seconds=time.monotonic() - started, topology=args.topology)
    report.emit(run, write_docs=write_docs)
    return 0

