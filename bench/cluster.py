"""The production topology for the benchmark (``python -m bench --topology cluster``, ``make bench-cluster``).

deploy/local/cluster.sh, as ``make run-cluster`` uses it, in a throwaway directory: PostgreSQL on a
free port with the databases sportello_<service>, and a three-node RabbitMQ cluster
sportello-bench-1..3 on AMQP 5801-5803 and management 15801-15803. Those names and ports are the
benchmark's own, so the run never meets ``make run-cluster`` (5701-5703), ``make test-cluster``
(5751-5753) or the fault suites' clusters.

The environment is run-cluster.sh's: what ``cluster.sh env`` prints (a ';'-separated failover
AMQP_URI over the three nodes, every *_DATABASE_URL, SPORTELLO_QUEUE_TYPE=quorum) and
SPORTELLO_INSTANCES=2. ``sportello run`` (bench/harness.py's Stack) then migrates, declares the
queues and their policies and makes each role's broker user, as under ``make run-cluster``.

Leaving the ``with`` block, however it is left, stops the nodes and PostgreSQL and removes the
directory.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.harness import ROOT, free_port

CLUSTER_SH = ROOT / "deploy" / "local" / "cluster.sh"
NAME, BASE_PORT, NODES, INSTANCES = "sportello-bench", 5800, (1, 2, 3), 2


def listening(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def parse_exports(text: str) -> dict[str, str]:
    """``export NAME='value'`` lines (cluster.sh env) as a mapping."""
    found = {}
    for line in text.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, value = words[1].split("=", 1)
            found[name] = value
    return found


class Cluster:
    """PostgreSQL and three RabbitMQ nodes of the run's own, with the environment that points at them."""

    def __init__(self, log=print):
        self.log = log
        # Not a private temp dir: the servers run as the postgres and rabbitmq users and must reach it.
        self.base = Path(tempfile.mkdtemp(prefix="sportello-bench-cluster-"))
        self.base.chmod(0o755)
        self.pg_port = free_port()
        self.env = dict(os.environ, SPORTELLO_CLUSTER_DIR=str(self.base / "cluster"),
                        SPORTELLO_CLUSTER_PG_PORT=str(self.pg_port), SPORTELLO_CLUSTER_NAME=NAME,
                        SPORTELLO_CLUSTER_BASE_PORT=str(BASE_PORT))
        self.api = f"http://127.0.0.1:{BASE_PORT + 10000 + NODES[0]}/api"
        self.auth = ("guest", "guest")  # cluster.sh's nodes: the operator is guest, on loopback only
        self.exported: dict[str, str] = {}
        self.saved: dict[str, str | None] = {}

    def _script(self, *arguments: str, timeout: float) -> str:
        done = subprocess.run([str(CLUSTER_SH), *arguments], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(arguments)} failed ({done.returncode}): "
                               f"{(done.stdout + done.stderr)[-3000:]}")
        return done.stdout

    def __enter__(self) -> "Cluster":
        taken = [port for n in NODES for port in (BASE_PORT + n, BASE_PORT + 10000 + n) if listening(port)]
        if taken:
            shutil.rmtree(self.base, ignore_errors=True)
            raise RuntimeError(f"ports {taken} are in use (another bench-cluster run?); nothing was started")
        try:
            self.log(f"bench (cluster): PostgreSQL on {self.pg_port}, RabbitMQ {NAME}-1..3 on "
                     f"{BASE_PORT + 1}-{BASE_PORT + 3}, in {self.base}")
            self.log(self._script("up", timeout=600).strip())
            self.exported = dict(parse_exports(self._script("env", timeout=60)), SPORTELLO_INSTANCES=str(INSTANCES))
        except BaseException:
            self.__exit__()
            raise
        for name, value in self.exported.items():  # the stack's processes and the data loader inherit them
            self.saved[name] = os.environ.get(name)
            os.environ[name] = value
        return self

    @property
    def amqp_uri(self) -> str:
        return self.exported["AMQP_URI"]

    def postgresql_version(self) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.pg_port, user="sportello", dbname="sportello_catalog",
                             connect_timeout=10) as connection:
            return connection.execute("SHOW server_version").fetchone()[0].split()[0]

    def __exit__(self, *exc) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        try:
            self.log(self._script("down", timeout=300).strip())
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            self.log(f"bench (cluster): {error}")
        left = [port for n in NODES for port in (BASE_PORT + n,) if listening(port)] + \
            ([self.pg_port] if listening(self.pg_port) else [])
        if left:
            self.log(f"bench (cluster): still listening after cluster.sh down: {left} (see {self.base})")
        else:
            shutil.rmtree(self.base, ignore_errors=True)
