"""Demo data for ``make run``: loaded through the services, never written into their databases.

Each service contributes what it owns as its issue lands (accounts: demo
customers and staff; catalog: a demo catalog).
"""
from __future__ import annotations


def load_demo(settings) -> None:
    print("demo data: nothing to load yet")
