"""A fresh database per service per test: SQLite files by default, PostgreSQL on request.

``SPORTELLO_TEST_DB=postgresql`` with ``SPORTELLO_TEST_PG_URL`` (an admin URL,
``postgresql+psycopg://user@host:port/postgres``) makes each test create its
own PostgreSQL databases and drop them afterwards.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

USE_POSTGRESQL = os.environ.get("SPORTELLO_TEST_DB", "sqlite") == "postgresql"
PG_ADMIN_URL = os.environ.get("SPORTELLO_TEST_PG_URL", "postgresql+psycopg://sportello@127.0.0.1:5433/postgres")


class TestDatabases:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.prefix = f"t{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []
        self._admin = None

    def url(self, service: str) -> str:
        if not USE_POSTGRESQL:
            return f"sqlite:///{self.tmp_path / (service + '.sqlite3')}"
        name = f"{self.prefix}_{service}"
        if name not in self.created:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    @property
    def admin(self):
        if self._admin is None:
            self._admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1)
        return self._admin

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()
