"""``sportello create-staff EMAIL``: the accounts service's own operator command.

It writes through the accounts use cases into the accounts database (this is
the accounts service's tool, so it may), after bringing that database to the
newest migration. The launcher's demo customers are made the same way
(:func:`ensure_customer`): an operator's tool is not a client of the public
API and so never meets a customer's rate limit.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from contextlib import contextmanager

from sqlalchemy.orm import sessionmaker

from services.accounts.adapters import orm  # noqa: F401  (maps the domain classes to tables)
from services.accounts.adapters.passwords import PasswordHasher
from services.accounts.schemas import EVENT_SCHEMAS
from services.accounts.usecases.registration import create_staff, register_customer
from services.chassis.config import load_settings
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.chassis.errors import DomainError
from services.chassis.migrations import upgrade
from services.chassis.production import demo_password_refusal


@contextmanager
def _accounts_unit_of_work(database_url: str | None):
    url = database_url or load_settings().database_url("accounts")
    upgrade("accounts", url)
    engine = make_engine(url)
    uow = UnitOfWork(sessionmaker(engine, expire_on_commit=False), EVENT_SCHEMAS)
    try:
        yield uow
    finally:
        uow.close()
        engine.dispose()


def _created_or_exists(make) -> str:
    """"created", or "exists" when the e-mail address is taken (loading twice changes nothing)."""
    try:
        make()
        return "created"
    except DomainError as exc:
        if "email" in exc.fields:
            return "exists"
        raise


def ensure_staff(email: str, password: str, role: str = "staff", database_url: str | None = None) -> str:
    """Create a staff account; returns "created" or "exists"."""
    with _accounts_unit_of_work(database_url) as uow:
        return _created_or_exists(lambda: create_staff(uow, email, password, role, PasswordHasher(), utcnow))


def ensure_customer(customer: dict, password: str, database_url: str | None = None) -> str:
    """Register a private customer as the public registration would (same checks, same
    ``customer_registered`` event through the outbox), without its per-client rate limit."""
    command = dict(customer, password=password, accept_terms=True)
    with _accounts_unit_of_work(database_url) as uow:
        return _created_or_exists(lambda: register_customer(uow, command, PasswordHasher(), utcnow))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sportello create-staff", description="Create a staff account.")
    parser.add_argument("email")
    parser.add_argument("--role", choices=("staff", "staff_admin"), default="staff")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (else SPORTELLO_STAFF_PASSWORD, else a prompt)")
    args = parser.parse_args(argv)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = os.environ.get("SPORTELLO_STAFF_PASSWORD") or getpass.getpass("Password (12-128 characters): ")
    refusal = demo_password_refusal(load_settings(), password)
    if refusal:
        print(f"create-staff: {refusal}", file=sys.stderr)
        return 2
    try:
        outcome = ensure_staff(args.email, password, args.role)
    except DomainError as exc:
        print(f"create-staff: {exc.detail} {exc.fields or ''}".strip(), file=sys.stderr)
        return 2
    if outcome == "exists":
        print(f"create-staff: {args.email} is already registered", file=sys.stderr)
        return 1
    print(f"staff account {args.email} ({args.role}) created")
    return 0
