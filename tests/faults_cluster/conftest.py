"""The fault suite on the production topology (``make test-faults-cluster``, SPORTELLO_FAULTS_CLUSTER=1):
one cluster for the whole session (three RabbitMQ nodes, PostgreSQL, two processes of each service),
broken scenario by scenario and made whole again before the next; stopped at the end even when a
scenario fails."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone

import pytest

from tests.faults import report
from tests.faults_cluster.client import CarefulShop
from tests.faults_cluster.stack import ClusterStack

RUNNING: list[ClusterStack] = []
FAILURE_LOGS: list[str] = []


@pytest.fixture(scope="session")
def cluster():
    # A row lock held past the 5 s RPC timeout must leave its waiter able to commit late (the 504
    # scenario): PostgreSQL's lock_timeout (default 4 s) is raised for the suite.
    stack = ClusterStack(env={"SPORTELLO_PG_LOCK_TIMEOUT": "12", "SPORTELLO_PG_STATEMENT_TIMEOUT": "15"})
    try:
        RUNNING.append(stack)
        stack.start()
        yield stack
    finally:
        stack.stop()
        RUNNING.clear()


@pytest.fixture(scope="session")
def shop(cluster):
    shop = CarefulShop(cluster)
    shop.ensure_product()
    return shop


@pytest.fixture(scope="session")
def staff(shop):
    return shop.staff()


@pytest.fixture(autouse=True)
def whole_cluster(request):
    """Every scenario starts on a whole cluster: three nodes, every process healthy."""
    if "cluster" in request.fixturenames:
        request.getfixturevalue("cluster").wait_cluster_whole()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    result = outcome.get_result()
    if result.failed and RUNNING:
        destination = report.RESULTS / "cluster-logs" / item.name
        tails = RUNNING[-1].keep_logs(destination)
        FAILURE_LOGS.append(f"{item.nodeid} ({result.when}); logs kept in {destination}\n{tails}")


def pytest_terminal_summary(terminalreporter):
    if report.OUTCOMES:
        report.RESULTS.mkdir(parents=True, exist_ok=True)
        path = report.RESULTS / "cluster-last-run.json"
        path.write_text(json.dumps({"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                    "outcomes": [asdict(o) for o in report.OUTCOMES]}, indent=2))
        terminalreporter.write_sep("=", "fault scenarios on the cluster")
        terminalreporter.write_line(report.table())
        terminalreporter.write_line(f"(kept in {path})")
    for logs in FAILURE_LOGS:
        terminalreporter.write_sep("=", "service logs of a failed scenario")
        terminalreporter.write_line(logs)
