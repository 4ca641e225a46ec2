"""Builds what the accounts workers use; nothing here does I/O at import time."""
from nameko.extensions import DependencyProvider

from services.accounts.adapters import orm  # noqa: F401  (maps the domain classes to tables)
from services.accounts.adapters.passwords import PasswordHasher
from services.accounts.schemas import EVENT_SCHEMAS
from services.chassis.database import Database


def accounts_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)


class Passwords(DependencyProvider):
    def setup(self):
        self.hasher = PasswordHasher()

    def get_dependency(self, worker_ctx):
        return self.hasher
