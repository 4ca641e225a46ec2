"""The fault-injection suite (``make test-faults``): one real stack, broken on purpose, scenario by scenario."""
from __future__ import annotations

import sys

import pytest

from tests.faults import report
from tests.faults.shop import Shop
from tests.faults.stack import FaultStack

POISON_CONSUMER = [sys.executable, "-m", "tests.faults.poison"]


@pytest.fixture(scope="session")
def stack():
    stack = FaultStack(extra_processes={"poison_auditor": POISON_CONSUMER})
    try:
        stack.start()
        # The broken consumer's queue exists before the first delivery, as declare-queues does for the others.
        from services.chassis.queues import declare_queues
        from tests.faults.poison import PoisonAuditor

        declare_queues(stack.broker.amqp_uri, [PoisonAuditor], retry_delays=(0.2, 0.5, 1))
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def shop(stack):
    shop = Shop(stack)
    shop.ensure_product()
    return shop


@pytest.fixture(scope="session")
def staff(shop):
    return shop.staff()


def pytest_terminal_summary(terminalreporter):
    if report.OUTCOMES:
        path = report.save()
        terminalreporter.write_sep("=", "fault scenarios")
        terminalreporter.write_line(report.table())
        terminalreporter.write_line(f"(kept in {path})")
