"""The production topology on this machine, with handles to break it: PostgreSQL, a three-node
RabbitMQ cluster with quorum queues (deploy/local/cluster.sh, in a throwaway directory of its own,
PostgreSQL on a free port), two processes of every service on rotated failover AMQP URIs (as
``sportello run --instances 2`` starts them) and the gateway, each its own broker user.

The processes are started here, not by ``sportello run``: its launcher stops everything when one
child dies, while a drill kills one replica and starts it again, as an orchestrator would.
The broker's AMQP and management ports are cluster.sh's fixed ones (5701-5703, 15701-15703).
"""
from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from services.chassis.config import SERVICES
from tests.faults.stack import ROOT, FaultStack, ServiceProcess, listening, wait_until
from tests.support.smtp import free_port

CLUSTER_SH = ROOT / "deploy" / "local" / "cluster.sh"
NODES = (1, 2, 3)
AMQP_PORTS = {n: 5700 + n for n in NODES}
MANAGEMENT_PORTS = {n: 15700 + n for n in NODES}
INSTANCES = 2
GUEST = ("guest", "guest")


class ClusterBroker:
    """The three nodes, driven through cluster.sh (its drills are what operators run) and the management API."""

    def __init__(self, base: Path, pg_port: int):
        self.dir = base / "cluster"
        self.env = dict(os.environ, SPORTELLO_CLUSTER_DIR=str(self.dir), SPORTELLO_CLUSTER_PG_PORT=str(pg_port))
        self.amqp_uri = ";".join(f"pyamqp://guest:guest@127.0.0.1:{AMQP_PORTS[n]}/" for n in NODES)
        self.management_url = f"http://127.0.0.1:{MANAGEMENT_PORTS[1]}"

    def sh(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run([str(CLUSTER_SH), *args], env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.sh("up", timeout=600)

    def stop(self) -> None:
        """cluster.sh down; then SIGKILL whatever of ours still runs (a down interrupted half-way)."""
        try:
            self.sh("down", timeout=180)
        finally:
            pid_files = [*self.dir.glob("rabbitmq/*/pid"), self.dir / "postgresql" / "data" / "postmaster.pid"]
            for path in pid_files:
                try:
                    os.kill(int(path.read_text().split()[0]), signal.SIGKILL)
                except (OSError, ValueError, IndexError):
                    pass  # gone already, as it should be

    def api(self, path: str, timeout: float = 10):
        """GET from the management API of the first node that answers."""
        for n in NODES:
            try:
                response = requests.get(f"http://127.0.0.1:{MANAGEMENT_PORTS[n]}{path}", auth=GUEST, timeout=timeout)
            except requests.RequestException:
                continue
            if response.status_code == 200:
                return response.json()
        raise AssertionError(f"no node's management API answers {path}")

    def connections_by_node(self) -> collections.Counter:
        return collections.Counter(int(re.match(r"sportello-(\d)@", c["node"]).group(1))
                                   for c in self.api("/api/connections"))

    def busiest_node(self) -> int:
        return self.connections_by_node().most_common(1)[0][0]

    def running_nodes(self) -> int:
        return sum(1 for node in self.api("/api/nodes") if node.get("running"))

    def queue_depths(self) -> dict[str, int]:
        return {q["name"]: int(q.get("messages") or 0) for q in self.api("/api/queues?columns=name,messages")}

    def log_files(self) -> list[Path]:
        return sorted(self.dir.glob("rabbitmq/*/log/*.log"))


class ClusterStack(FaultStack):
    """PostgreSQL, three broker nodes, SMTP capture, two processes of each service and the gateway."""

    def __init__(self, extra_processes: dict[str, list[str]] | None = None, env: dict | None = None):
        super().__init__(extra_processes)
        self.pg_port = free_port()
        self.broker = ClusterBroker(self.base, self.pg_port)
        self.extra_env = env or {}
        self.role_uris: dict[str, str] = {}

    @property
    def env(self) -> dict:
        env = super().env
        env.update({f"{service.upper()}_DATABASE_URL": self.database_url(service) for service in SERVICES})
        env.update(SPORTELLO_QUEUE_TYPE="quorum", RABBITMQ_MANAGEMENT_URL=self.broker.management_url,
                   SPORTELLO_VAR_DIR=str(self.var))
        env.update(self.extra_env)
        return env

    def database_url(self, service: str) -> str:
        return f"postgresql+psycopg://sportello@127.0.0.1:{self.pg_port}/sportello_{service}"

    def start(self) -> "ClusterStack":
        taken = [p for p in (*AMQP_PORTS.values(), *MANAGEMENT_PORTS.values()) if listening(p)]
        assert not taken, f"cluster ports {taken} in use (a make run-cluster or make test-cluster?)"
        self.broker.start()
        self.smtp.start()
        self.cli("migrate")
        self.cli("declare-queues")
        from services.chassis.broker_identities import provision_roles
        from services.chassis.cli_run import rotated

        self.role_uris = provision_roles(self.broker.amqp_uri, self.broker.management_url, self.env, self.var)
        for name, command in self.extra_processes.items():
            self.processes[name] = ServiceProcess(name, self.env, self.logs, command)
        started = 0
        for name in (*SERVICES, "gateway"):
            for number in range(1, (1 if name == "gateway" else INSTANCES) + 1):
                label = name if name == "gateway" else f"{name}-{number}"
                env = {**self.env, "AMQP_URI": rotated(self.role_uris[name], started),
                       "SPORTELLO_PROBE_DIR": str(self.var / "probe" / label)}
                self.processes[label] = ServiceProcess(label, env, self.logs,
                                                       [*_serve_command(), name])
                started += 1
        for process in self.processes.values():
            process.start()
        self.wait_healthy(300)
        return self

    def healthy(self) -> bool:
        """/health 200 and every service consumed by its two processes."""
        try:
            response = requests.get(f"{self.url}/health", timeout=5)
            body = response.json()
        except (requests.RequestException, ValueError):
            return False
        return response.status_code == 200 and all(
            (state.get("instances") or 0) >= INSTANCES for state in body.get("services", {}).values())

    def replicas(self, service: str) -> list[str]:
        return [label for label in self.processes if label.startswith(f"{service}-")]

    def wait_cluster_whole(self, timeout: float = 180) -> float:
        """Three nodes running and every process back: the state each scenario starts from."""
        started = time.monotonic()
        wait_until(lambda: self.broker.running_nodes() == 3, timeout, interval=1, what="three running nodes")
        self.wait_healthy(timeout)
        return time.monotonic() - started

    def keep_logs(self, destination: Path, lines: int = 25) -> str:
        tails = super().keep_logs(destination, lines)
        for path in self.broker.log_files():
            node = path.parts[-3]
            shutil.copy(path, destination / f"rabbitmq-{node}-{path.name}")
            tails += f"\n--- node {node} {path.name} ---\n" + "\n".join(
                path.read_text(errors="replace").splitlines()[-lines:])
        return tails

    def stop(self) -> None:
        keep = os.environ.get("SPORTELLO_FAULTS_KEEP")
        os.environ["SPORTELLO_FAULTS_KEEP"] = "1"  # the directory goes after the cluster is down
        try:
            super().stop()  # processes, SMTP, then cluster.sh down (the nodes and PostgreSQL)
        finally:
            if keep is None:
                os.environ.pop("SPORTELLO_FAULTS_KEEP", None)
            if keep != "1":
                shutil.rmtree(self.base, ignore_errors=True)


def _serve_command() -> list[str]:
    import sys

    return [sys.executable, "-m", "services.chassis.cli", "serve"]
