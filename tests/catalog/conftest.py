"""Catalog fixtures: a migrated catalog database to seed, and a module-wide running
catalog + gateway for read-only tests (seeded once, started once: each start costs seconds)."""
from __future__ import annotations

import pytest

from tests.catalog.harness import CatalogDb, make_config
from tests.support.broker import Vhost
from tests.support.databases import TestDatabases
from tests.support.fixtures import System
from tests.support.http import GatewayClient


@pytest.fixture
def catalog_db(config):
    db = CatalogDb(config["DATABASE_URLS"]["catalog"])
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def seeded(request, tmp_path_factory):
    """A running catalog + gateway over the module's ``seed(db: CatalogDb)`` data."""
    vhost = Vhost().create()
    databases = TestDatabases(tmp_path_factory.mktemp("catalog"))
    system = System(make_config(vhost, databases, tmp_path_factory.mktemp("var")), vhost)
    db = CatalogDb(system.config["DATABASE_URLS"]["catalog"])
    try:
        request.module.seed(db)
        system.start("catalog", "gateway")
        with GatewayClient(system.gateway_url) as client:
            yield system, client, db
    finally:
        system.stop()
        db.dispose()
        vhost.delete()
        databases.drop_all()
