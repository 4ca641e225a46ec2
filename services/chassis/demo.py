"""Demo data for ``make run``, loaded through the public API like any client would.

Going through the gateway (not into the databases) keeps every service the
owner of its data and exercises the real path. Each service adds what it owns
as its issue lands; loading twice changes nothing (409 means "already there").
"""
from __future__ import annotations

import importlib
import json
import os
import urllib.error
import urllib.request

DEMO_PASSWORD = os.environ.get("SPORTELLO_DEMO_PASSWORD", "demo-password-2026")
DEMO_STAFF = [("desk@sportello.example", "staff_admin")]

DEMO_CUSTOMERS = [
    {"email": "maria.rossi@example.it", "first_name": "Maria", "last_name": "Rossi", "phone": "+393401234567"},
    {"email": "jonas.weber@example.de", "first_name": "Jonas", "last_name": "Weber", "phone": None},
    {"email": "olena.kovalenko@example.com.ua", "first_name": "Олена", "last_name": "Коваленко", "phone": None},
]


def post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        # Bandit B310 accepted: the request goes to the gateway's own http address from the settings.
        with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def load_demo(settings) -> list[str]:
    """Register the demo customers; returns the lines to show the person who ran ``make run``."""
    lines = []
    for customer in DEMO_CUSTOMERS:
        status = post_json(
            f"{settings.gateway_url}/api/v1/accounts",
            dict(customer, password=DEMO_PASSWORD, accept_terms=True),
        )
        if status not in (201, 409):
            raise RuntimeError(f"demo customer {customer['email']} not loaded (HTTP {status})")
        lines.append(f"  customer {customer['email']} / {DEMO_PASSWORD}")
    # The catalog's own loader writes its demo catalog through the catalog's use cases.
    load_demo_catalog = getattr(importlib.import_module("services.catalog.demo_data"), "load_demo_catalog")
    lines.extend(load_demo_catalog(settings.database_url("catalog")))
    # Staff accounts have no public registration: the accounts service's own command makes them.
    ensure_staff = getattr(importlib.import_module("services.accounts.cli"), "ensure_staff")
    for email, role in DEMO_STAFF:
        ensure_staff(email, DEMO_PASSWORD, role, database_url=settings.database_url("accounts"))
        lines.append(f"  staff    {email} / {DEMO_PASSWORD} ({role})")
    return lines
