"""What the benchmarks share: a running stack, a bounded load generator, its own vhost.

Absolute figures on a 2-core machine are noisy, so each path is printed beside
floors measured in the same run (bench/suite.py). The stack is `sportello run`:
every service and the gateway in a process of its own, as in production.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


@dataclass
class Figure:
    path: str
    clients: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * (len(sorted_values) - 1)))))
    return sorted_values[index]


class Reply:
    __slots__ = ("status_code", "content")

    def __init__(self, status_code: int, content: bytes):
        self.status_code, self.content = status_code, content

    def json(self):
        return json.loads(self.content)


class Client:
    """One load-generator client: a keep-alive HTTP/1.1 connection and the few calls the paths need.

    ``requests`` costs about 0.6 ms of CPU per request here, and the load generator shares the
    machine's two cores with the system it measures; ``http.client`` on one kept connection
    costs a fraction of that, so less of what is measured is the measuring. The call signatures
    are ``requests``' (get/post with params, json, headers, timeout).
    """

    def __init__(self, client: int = 0):
        self.client = client
        self._connection: http.client.HTTPConnection | None = None
        self._netloc = ""

    def get(self, url: str, params: dict | None = None, headers: dict | None = None, timeout: float = 30) -> Reply:
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
        return self._send("GET", url, None, headers, timeout)

    def post(self, url: str, json: object = None, headers: dict | None = None, timeout: float = 30) -> Reply:
        return self._send("POST", url, None if json is None else _dumps(json), headers, timeout)

    def _send(self, method: str, url: str, body: bytes | None, headers: dict | None, timeout: float) -> Reply:
        parts = urlsplit(url)
        if self._connection is None or parts.netloc != self._netloc:
            self.close()
            self._connection = http.client.HTTPConnection(parts.netloc, timeout=timeout)
            self._netloc = parts.netloc
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/json"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            self._connection.request(method, target, body=body, headers=sent)
            response = self._connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()  # the next request opens a new connection
            raise requests.ConnectionError(str(exc)) from exc
        if response.will_close:
            self.close()
        return Reply(response.status, content)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _dumps(value) -> bytes:
    return json.dumps(value).encode()


class Exhausted(Exception):
    """Raised by a request function whose client has nothing left to send (e.g. no ready cart)."""


def measure(name: str, request: Callable[[requests.Session, int], bool], clients: int, seconds: float,
            max_requests: int = 200_000) -> Figure:
    """Run ``request`` from ``clients`` threads for ``seconds`` (bounded in time and count).

    Each thread is one client with its own keep-alive connection (:class:`Client`), whose
    ``client`` attribute is the thread's index (0 .. clients-1), so that a request can act as that
    client's own customer. Every latency is kept: percentiles are exact, not estimated.
    """
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(max_requests))

    def worker(worker_id: int) -> None:
        nonlocal errors
        with Client(worker_id) as session:
            mine, failed = [], 0
            while time.monotonic() < deadline:
                try:
                    number = next(counter)
                except StopIteration:
                    break
                started = time.perf_counter()
                try:
                    ok = request(session, number)
                except Exhausted:
                    break
                except requests.RequestException:
                    ok = False
                mine.append((time.perf_counter() - started) * 1000)
                failed += 0 if ok else 1
            with lock:
                latencies.extend(mine)
                errors += failed

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return figure_of(name, clients, latencies, errors, elapsed)


def figure_of(name: str, clients: int, latencies: list[float], errors: int, elapsed: float) -> Figure:
    latencies = sorted(latencies)
    figure = Figure(name, clients, len(latencies), errors, round(elapsed, 2), round(len(latencies) / elapsed, 1),
                    round(percentile(latencies, 0.50), 2), round(percentile(latencies, 0.95), 2),
                    round(percentile(latencies, 0.99), 2))
    figure.samples = latencies  # not a field: kept for merging, never written out
    return figure


def merged(first: Figure, second: Figure) -> Figure:
    """One figure from two measurements of the same path (e.g. a floor before and after the paths)."""
    return figure_of(first.path, first.clients, first.samples + second.samples, first.errors + second.errors,
                     first.seconds + second.seconds)


def floors(base_url: str, clients: int, seconds: float) -> list[Figure]:
    def live(session, _):
        return session.get(f"{base_url}/health/live", timeout=10).status_code == 200

    def one_rpc(session, _):
        return session.get(f"{base_url}/health/accounts", timeout=10).status_code == 200

    return [measure("floor: gateway only", live, clients, seconds),
            measure("floor: gateway -> RPC -> SELECT 1", one_rpc, clients, seconds)]


def print_table(figures: list[Figure]) -> None:
    header = f"{'path':44} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'n':>7}"
    print(header)
    print("-" * len(header))
    for f in figures:
        print(f"{f.path:44} {f.clients:>7} {f.rps:>8} {f.p50_ms:>8} {f.p95_ms:>8} {f.p99_ms:>8} {f.errors:>7} {f.requests:>7}")


def save(name: str, figures: list[Figure]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({
        "benchmark": name,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "figures": [asdict(f) for f in figures],
    }, indent=2))
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The whole system as `make run` starts it (real processes), in a throwaway var directory."""

    def __init__(self, demo: bool = False, keep_var: bool = True, instances: int = 1, startup_timeout: float = 120):
        self.demo = demo
        self.keep_var = keep_var
        self.instances = instances  # processes of every service (SPORTELLO_INSTANCES of the environment)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.var = tempfile.mkdtemp(prefix="sportello-bench-")
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.extra_instances: list[subprocess.Popen] = []

    def __enter__(self) -> "Stack":
        env = dict(os.environ, GATEWAY_ADDRESS=f"127.0.0.1:{self.port}", SPORTELLO_VAR_DIR=self.var,
                   SPORTELLO_LOG_LEVEL="WARNING")
        command = [sys.executable, "-m", "services.chassis.cli", "run", "--startup-timeout",
                   f"{self.startup_timeout:g}"] + ([] if self.demo else ["--no-demo"])
        self.process = subprocess.Popen(command,
                                        env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"{self.url}/health", timeout=2)
                if health.status_code == 200 and self._all_instances(health.json()) and self._demo_loaded():
                    return self
            except (requests.RequestException, ValueError):
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the stack did not start")
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"the stack did not become healthy in {self.startup_timeout:g} s")

    def _all_instances(self, health: dict) -> bool:
        """/health turns 200 with one process of each service consuming; measure only once all are."""
        if self.instances == 1:
            return True
        return all((state.get("instances") or 0) >= self.instances for state in health.get("services", {}).values())

    def _demo_loaded(self) -> bool:
        """`sportello run` loads the demo after /health turns green; wait for the catalog to have it."""
        if not self.demo:
            return True
        response = requests.get(f"{self.url}/api/v1/catalog/products?per_page=1", timeout=5)
        return response.status_code == 200 and response.json().get("total", 0) > 0

    def __exit__(self, *exc) -> None:
        for extra in self.extra_instances:
            self._stop(extra)
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        if not self.keep_var:
            shutil.rmtree(self.var, ignore_errors=True)

    # -- processes -------------------------------------------------------------------------------
    def service_processes(self) -> dict[str, list]:
        """psutil processes of each service and the gateway (``sportello serve NAME``), by name."""
        import psutil

        found: dict[str, list] = {}
        for child in psutil.Process(self.process.pid).children(recursive=True) + [
                psutil.Process(p.pid) for p in self.extra_instances]:
            try:
                command = child.cmdline()
            except psutil.Error:
                continue
            if "serve" in command:
                found.setdefault(command[command.index("serve") + 1], []).append(child)
        return found

    def start_instance(self, name: str) -> subprocess.Popen:
        """One more process of a service beside the stack's (another competing consumer of its queue)."""
        env = dict(os.environ, GATEWAY_ADDRESS=f"127.0.0.1:{self.port}", SPORTELLO_VAR_DIR=self.var,
                   SPORTELLO_LOG_LEVEL="WARNING")
        process = subprocess.Popen([sys.executable, "-m", "services.chassis.cli", "serve", name], env=env, cwd=ROOT,
                                   stdout=subprocess.DEVNULL)
        self.extra_instances = [*self.extra_instances, process]
        return process

    def stop_instance(self, process: subprocess.Popen) -> None:
        self._stop(process)
        self.extra_instances = [p for p in self.extra_instances if p is not process]

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", help="a running gateway (default: start the stack in a temporary directory)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each measurement (10)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10], help="concurrency levels (1 10)")
    return parser.parse_args()


def median(values):
    return statistics.median(values) if values else float("nan")


class OwnVhost:
    """A RabbitMQ vhost of the benchmark's own: another stack on the same broker (a developer's `make run`,
    another benchmark) would otherwise compete for the same RPC and event queues."""

    def __init__(self, management: str = "http://127.0.0.1:15672"):
        from urllib.parse import urlsplit, urlunsplit

        from services.chassis.config import load_settings

        parts = urlsplit(load_settings().amqp_uri)
        self.auth = (parts.username or "guest", parts.password or "guest")
        self.name = f"sportello-bench-{uuid.uuid4().hex[:8]}"
        self.api = f"{os.environ.get('SPORTELLO_TEST_RABBIT_MANAGEMENT', management)}/api"
        self.uri = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, "", ""))

    def __enter__(self) -> str:
        requests.put(f"{self.api}/vhosts/{self.name}", auth=self.auth, timeout=10).raise_for_status()
        requests.put(f"{self.api}/permissions/{self.name}/{self.auth[0]}", auth=self.auth, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        os.environ["AMQP_URI"] = self.uri  # the stack's processes inherit it
        return self.uri

    def __exit__(self, *exc) -> None:
        requests.delete(f"{self.api}/vhosts/{self.name}", auth=self.auth, timeout=10)
