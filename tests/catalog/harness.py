"""Helpers of the catalog tests: the catalog database seeded through its own use cases."""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from services.catalog import schemas, usecases
from services.chassis.config import SERVICES, load_settings, nameko_config
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.chassis.migrations import upgrade
from tests.support.broker import Vhost
from tests.support.databases import TestDatabases
from tests.support.smtp import free_port


class CatalogDb:
    """The catalog database of one test, written through the catalog's own use cases."""

    def __init__(self, url: str):
        upgrade("catalog", url)
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, schemas.EVENT_SCHEMAS)

    def run(self, usecase, *args):
        uow = self.uow()
        try:
            return usecase(uow, *args)
        finally:
            uow.close()

    def add_product(self, **fields):
        payload = {"price": {"amount": "10.00", "currency": "EUR"}, "vat_rate": "22.00", **fields}
        return self.run(usecases.create_product, schemas.NewProduct().load(payload), utcnow)

    def add_service(self, **fields):
        return self.run(usecases.create_service, schemas.NewService().load(fields), utcnow)

    def deactivate(self, code: str):
        return self.run(usecases.update_product, code, {"active": False}, utcnow)

    def dispose(self):
        self.engine.dispose()


def make_config(vhost: Vhost, databases: TestDatabases, var_dir) -> dict:
    """The same config as tests.support.fixtures.config, for a module-scoped system."""
    config = nameko_config(load_settings({"SPORTELLO_VAR_DIR": str(var_dir)}))
    config.update(AMQP_URI=vhost.amqp_uri, WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}", RPC_TIMEOUT=5,
                  HEALTH_TIMEOUT=1, DATABASE_URLS={name: databases.url(name) for name in SERVICES},
                  OUTBOX_RELAY={"enabled": True, "poll_interval": 0.2, "batch_size": 100, "lease_seconds": 30})
    return config


def money(amount: str, currency: str = "EUR") -> dict:
    return {"amount": amount, "currency": currency}


def assert_problem(response, status: int, problem: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/" + problem), body
    assert body["status"] == status
    return body
