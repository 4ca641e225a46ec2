"""Login's rules against a real (SQLite) accounts database, without a broker."""
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from services.accounts.adapters import orm  # noqa: F401
from services.accounts.domain.errors import InvalidCredentials
from services.accounts.schemas import EVENT_SCHEMAS
from services.accounts.usecases import authentication, registration
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.migrations import upgrade

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


class CountingHasher:
    """Plain-text 'hashes' and a record of what was verified: login's timing rule is about *work done*."""

    dummy_hash = "dummy"

    def __init__(self):
        self.verified = []

    def hash(self, password):
        return f"plain:{password}"

    def verify(self, password_hash, password):
        self.verified.append(password_hash)
        return password_hash == f"plain:{password}"


@pytest.fixture
def uow(tmp_path):
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    upgrade("accounts", url)
    engine = make_engine(url)
    unit = UnitOfWork(sessionmaker(engine, expire_on_commit=False), EVENT_SCHEMAS)
    yield unit
    unit.close()
    engine.dispose()


def test_an_unknown_account_costs_a_password_verification_too(uow):
    hasher = CountingHasher()
    registration.register_customer(uow, {"email": "anna@example.it", "password": "correct horse battery",
                                         "first_name": "Anna", "last_name": "Verdi"}, hasher, lambda: NOW)
    for identifier in ("anna@example.it", "nobody@example.it"):
        with pytest.raises(InvalidCredentials):
            authentication.login(uow, identifier, "wrong password!", "127.0.0.1", hasher, lambda: NOW)
    assert hasher.verified == ["plain:correct horse battery", "dummy"]
