"""Demo data for ``make run``, written by each service's own loader into its own database.

Each service adds what it owns as its issue lands, through its own use cases (so the same
rules hold as for the API) and its own operator functions; loading twice changes nothing.

The demo customers used to be registered through the public API. That made the launcher a
client of the shop like any other: after fifty registrations from 127.0.0.1 within the hour (a
fuzzer, a load test, one busy office) a restart stopped with "HTTP 429". Nothing the launcher
does may depend on a customer's rate limit, so the accounts service's operator function
(``ensure_customer``, beside ``ensure_staff``) makes them: the same checks and the same
``customer_registered`` event, no HTTP and no broker identity needed.
"""
from __future__ import annotations

import importlib
import os

# Printed in the README: production mode refuses it for staff (services/chassis/production.py).
PUBLISHED_DEMO_PASSWORD = "demo-password-2026"
DEMO_PASSWORD = os.environ.get("SPORTELLO_DEMO_PASSWORD", PUBLISHED_DEMO_PASSWORD)
DEMO_STAFF = [("desk@sportello.example", "staff_admin")]

DEMO_CUSTOMERS = [
    {"email": "maria.rossi@example.it", "first_name": "Maria", "last_name": "Rossi", "phone": "+393401234567"},
    {"email": "jonas.weber@example.de", "first_name": "Jonas", "last_name": "Weber", "phone": None},
    {"email": "olena.kovalenko@example.com.ua", "first_name": "Олена", "last_name": "Коваленко", "phone": None},
]


def load_demo(settings) -> list[str]:
    """Load the demo data; returns the lines to show the person who ran ``make run``."""
    accounts = importlib.import_module("services.accounts.cli")
    lines = []
    for customer in DEMO_CUSTOMERS:
        accounts.ensure_customer(customer, DEMO_PASSWORD, database_url=settings.database_url("accounts"))
        lines.append(f"  customer {customer['email']} / {DEMO_PASSWORD}")
    # The catalog's own loader writes its demo catalog through the catalog's use cases.
    load_demo_catalog = getattr(importlib.import_module("services.catalog.demo_data"), "load_demo_catalog")
    lines.extend(load_demo_catalog(settings.database_url("catalog")))
    # Staff accounts have no public registration: the accounts service's own command makes them.
    for email, role in DEMO_STAFF:
        accounts.ensure_staff(email, DEMO_PASSWORD, role, database_url=settings.database_url("accounts"))
        lines.append(f"  staff    {email} / {DEMO_PASSWORD} ({role})")
    return lines
