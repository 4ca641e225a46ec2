"""Builds what the orders workers use; nothing here does I/O at import time."""

from services.chassis.database import Database
from services.chassis.rpc import ServiceRpc
from services.orders.adapters import orm  # noqa: F401  (maps the domain classes to tables)
from services.orders.adapters.accounts import AccountsClient
from services.orders.adapters.catalog import CatalogClient
from services.orders.schemas import EVENT_SCHEMAS


def orders_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)


class Catalog(ServiceRpc):
    def __init__(self):
        super().__init__("catalog")

    def get_dependency(self, worker_ctx):
        return CatalogClient(super().get_dependency(worker_ctx))


class Accounts(ServiceRpc):
    def __init__(self):
        super().__init__("accounts")

    def get_dependency(self, worker_ctx):
        return AccountsClient(super().get_dependency(worker_ctx))
