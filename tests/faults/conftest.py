"""The fault-injection suite (``make test-faults``): one real stack, broken on purpose, scenario by scenario."""
from __future__ import annotations

import os
import sys

import pytest
from eventlet import patcher

from tests.faults import report
from tests.faults.shop import Shop
from tests.faults.stack import FaultStack

POISON_CONSUMER = [sys.executable, "-m", "tests.faults.poison"]
# The running stack, for the failure report (the fixture's directory is gone by the summary).
RUNNING: list[FaultStack] = []
FAILURE_LOGS: list[str] = []
# A scenario takes well under a minute here; past this budget it is stuck, and its report is
# written before pytest-timeout (`--timeout` in the Makefile, later) ends the whole run.
OVERTIME_SECONDS = float(os.environ.get("SPORTELLO_FAULTS_OVERTIME", "420"))


@pytest.fixture(scope="session")
def stack():
    stack = FaultStack(extra_processes={"poison_auditor": POISON_CONSUMER})
    try:
        RUNNING.append(stack)
        stack.start()
        # The broken consumer's queue exists before the first delivery, as declare-queues does for the others.
        from services.chassis.queues import declare_queues
        from tests.faults.poison import PoisonAuditor

        declare_queues(stack.broker.amqp_uri, [PoisonAuditor], retry_delays=(0.2, 0.5, 1))
        yield stack
    finally:
        stack.stop()
        RUNNING.clear()


@pytest.fixture(scope="session")
def shop(stack):
    shop = Shop(stack)
    shop.ensure_product()
    return shop


@pytest.fixture(scope="session")
def staff(shop):
    return shop.staff()


@pytest.fixture(autouse=True)
def overtime_report(request):
    """Where every process stands when a scenario overruns its budget.

    Under eventlet's patched threading pytest-timeout picks its thread method, which ends the
    run with ``os._exit``: no failure report, no summary, no clean-up. A timer on a real OS
    thread writes the logs first, while the stuck scenario still runs.
    """
    timer = patcher.original("threading").Timer(OVERTIME_SECONDS, _report_overtime, (request.node,))
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


def _kept_logs(item) -> tuple:
    destination = report.RESULTS / "logs" / item.name
    return destination, RUNNING[-1].keep_logs(destination)


def _report_overtime(item) -> None:
    if not RUNNING:
        return
    destination, tails = _kept_logs(item)
    capture = item.config.pluginmanager.getplugin("capturemanager")
    if capture:
        capture.suspend_global_capture(item)
    terminal = item.config.get_terminal_writer()
    terminal.sep("=", f"{item.nodeid} still running after {OVERTIME_SECONDS:g} s; logs kept in {destination}")
    terminal.line(tails)
    terminal.flush()
    if capture:
        capture.resume_global_capture()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed scenario (or set-up) keeps every process's log and names the last lines of each."""
    outcome = yield
    result = outcome.get_result()
    if result.failed and RUNNING:
        destination, tails = _kept_logs(item)
        FAILURE_LOGS.append(f"{item.nodeid} ({result.when}); logs kept in {destination}\n{tails}")


def pytest_terminal_summary(terminalreporter):
    if report.OUTCOMES:
        path = report.save()
        terminalreporter.write_sep("=", "fault scenarios")
        terminalreporter.write_line(report.table())
        terminalreporter.write_line(f"(kept in {path})")
    # Last, so that a CI log cut short in the middle still shows why a scenario failed.
    for logs in FAILURE_LOGS:
        terminalreporter.write_sep("=", "service logs of a failed scenario")
        terminalreporter.write_line(logs)
