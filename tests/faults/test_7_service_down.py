"""Scenario 7: a service down. The gateway answers 503 at once (no client waits out a timeout) and
serves again by itself, without a restart, as soon as the service is back."""
import time

import requests

from tests.faults.report import Outcome, record
from tests.faults.stack import wait_until

PROBES = 20


def test_gateway_answers_503_fast_while_catalog_is_down_and_recovers_by_itself(stack):
    search = f"{stack.url}/api/v1/catalog/products?q=trapano"
    assert requests.get(search, timeout=10).status_code == 200
    stack.processes["catalog"].terminate()

    answers = []
    for _ in range(PROBES):
        started = time.monotonic()
        response = requests.get(search, timeout=30)
        answers.append((response.status_code, time.monotonic() - started, response.headers.get("Content-Type")))
    stack.restart("catalog")
    restarted = time.monotonic()
    wait_until(lambda: requests.get(search, timeout=10).status_code == 200, 60, interval=0.2,
               what="catalog served again")
    recovery = time.monotonic() - restarted

    slowest = max(seconds for _, seconds, _ in answers)
    refused = sum(1 for status, _, _ in answers if status == 503)
    record(Outcome("7 catalog down, gateway in front", "503 answers", PROBES, refused, refused, lost=PROBES - refused,
                   duplicated=0, recovery_s=round(recovery, 1),
                   notes=f"slowest 503 {slowest * 1000:.0f} ms; recovery = catalog restarted -> 200"))
    assert refused == PROBES and all(kind.startswith("application/problem+json") for _, _, kind in answers)
    assert slowest < 1.0  # told at once (the broker returns the unroutable request), not after RPC_TIMEOUT
