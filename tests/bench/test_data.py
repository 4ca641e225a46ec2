"""The benchmark's data loader writes rows each service reads back as its own (bench/data.py).

The suite itself is not run here (it needs minutes and a quiet machine); this keeps its data
in step with the services' tables: a new NOT NULL column, a renamed status or a changed
number format breaks this test, not the team lead's benchmark run.
"""
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bench import data as bench_data
from services.accounts.adapters.passwords import _argon2
from services.accounts.adapters.repositories import Customers
from services.chassis.config import SERVICES, load_settings
from services.chassis.database import make_engine
from services.messaging.adapters.threads import Threads
from services.orders.adapters.repositories import Carts, Orders
from services.returns.adapters.repositories import DeliveredOrders, Rmas


def test_generated_rows_are_read_back_by_each_service(tmp_path, monkeypatch, databases):
    monkeypatch.setenv("SPORTELLO_VAR_DIR", str(tmp_path))
    # SQLite files, or PostgreSQL databases under make test-postgresql (the loader's COPY path there)
    for service in SERVICES:
        monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", databases.url(service))
    settings = load_settings()
    scale = bench_data.Scale(products=300, customers=60, orders=240, rmas=20)
    data = bench_data.load(settings, scale, log=lambda _: None)

    assert len(data.customers) == bench_data.BENCH_CUSTOMERS
    first = data.customers[0]

    def session(service):
        return Session(make_engine(settings.database_url(service)))

    with session("accounts") as accounts:
        customer = Customers(accounts).by_login(first.email)
        assert customer is not None and customer.can_log_in
        assert _argon2.verify(customer.password_hash, bench_data.PASSWORD)
        assert Customers(accounts).next_customer_number() == "CUS-000061"
    with session("orders") as orders:
        listed = Orders(orders).visible(first.id, None, {"page": 1, "per_page": 20})
        page, total = listed["items"], listed["total"]
        assert total == len(first.orders) == 4 and {o.number for o in page} == set(first.orders)
        assert all(o.lines and o.total > 0 for o in page)
        # JSON and UTC datetime columns come back as written (on PostgreSQL: through COPY's bind processing)
        assert page[0].shipping_address == bench_data.ADDRESS and page[0].placed_at.tzinfo is not None
        cart = Carts(orders).owned(first.carts[0], first.id)
        assert cart.status == "inactive" and cart.lines[0].reference in data.product_codes
        assert Orders(orders).next_number(2025) == "ORD-2025-000241"
        # what the event row announces is what orders confirms to returns (internal_delivered_order)
        announced = data.deliveries[-1]
        assert announced["customer_id"] not in {c.id for c in data.customers} and len(data.deliveries) == 3000
        assert Orders(orders).by_number(announced["order_number"]).delivery_facts() == announced
    with session("returns") as returns:
        delivered = DeliveredOrders(returns).by_number(first.delivered_order)
        assert delivered.window_open(datetime.now(timezone.utc)) and delivered.lines[0].quantity == 9999
        assert Rmas(returns).next_number(2025) == "RMA-2025-000021"
    with session("messaging") as messaging:
        threads, total = Threads(messaging).customer_page(first.id, 1, 20)
        assert total == 1 and threads[0].message_count == 1
