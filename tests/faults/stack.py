"""The whole system as operators run it, with handles to break it.

Every service and the gateway run as their own processes (``sportello serve``),
as ``make run`` starts them, so that one of them can be killed. They talk to a
RabbitMQ node of the suite's own (own ports, own data directory): stopping it
disturbs no other broker on the machine. Mail goes to a real SMTP server
(aiosmtpd, :mod:`tests.support.smtp`) that can be stopped and started again.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from services.chassis.config import SERVICES
from tests.support.smtp import SmtpCapture, free_port

ROOT = Path(__file__).resolve().parents[2]


def listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_until(condition, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not reached in {timeout:g} s")


def as_root(command: list[str]) -> list[str]:
    return command if os.geteuid() == 0 else ["sudo", "-n", *command]


class PrivateBroker:
    """A RabbitMQ node of this suite's own, started from Debian's rabbitmq-server.

    Its data directory survives a stop, so durable queues and persistent
    messages are there again after a restart, as on a production broker.
    """

    def __init__(self, base: Path):
        self.dir = base / "rabbitmq"
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"sportello-faults-{self.port}@localhost"
        self.amqp_uri = f"pyamqp://guest:guest@127.0.0.1:{self.port}/"

    def _env(self) -> dict:
        return dict(os.environ, RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_PORT=str(self.port),
                    RABBITMQ_DIST_PORT=str(self.dist_port), RABBITMQ_MNESIA_BASE=str(self.dir / "mnesia"),
                    RABBITMQ_LOG_BASE=str(self.dir / "log"), RABBITMQ_PID_FILE=str(self.dir / "pid"),
                    RABBITMQ_ENABLED_PLUGINS_FILE=str(self.dir / "enabled_plugins"),
                    RABBITMQ_CONFIG_FILE=str(self.dir / "rabbitmq"))

    def start(self, timeout: float = 60) -> None:
        if not self.dir.exists():
            self.dir.mkdir(parents=True)
            (self.dir / "enabled_plugins").write_text("[].\n")
            (self.dir / "rabbitmq.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
            if shutil.which("chown") and os.geteuid() == 0:
                subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.dir)], check=True)
        subprocess.run(as_root(["rabbitmq-server", "-detached"]), env=self._env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: listening(self.port), timeout, what=f"RabbitMQ node {self.node} accepting connections")

    def stop(self) -> None:
        self.ctl("stop")
        wait_until(lambda: not listening(self.port), 30, what="RabbitMQ stopped")

    def ctl(self, *args: str, secret: str | None = None) -> str:
        result = subprocess.run(as_root(["rabbitmqctl", "-n", self.node, *args]), env=self._env(),
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            shown = " ".join("<password>" if arg == secret else arg for arg in args)
            raise RuntimeError(f"rabbitmqctl {shown}: {result.stderr.strip()}")
        return result.stdout

    def add_role_users(self) -> dict[str, str]:
        """Every process role's own user with its grant (services/chassis/broker_identities.py), made
        with rabbitmqctl: this node runs no management API. Returns role -> AMQP URI."""
        from services.chassis.broker_identities import role_grants, uri_with_credentials

        uris = {}
        for role, grant in role_grants().items():
            user, password = f"sportello-{role}", secrets.token_urlsafe(18)
            # "--" ends rabbitmqctl's options: one password in 64 starts with "-" and was read as one.
            try:
                self.ctl("add_user", "--", user, password, secret=password)
            except RuntimeError:  # there from an earlier start of this node
                self.ctl("change_password", "--", user, password, secret=password)
            self.ctl("set_permissions", "-p", "/", user, grant.configure, grant.write, grant.read)
            for exchange, (write, read) in grant.topics.items():
                self.ctl("set_topic_permissions", "-p", "/", user, exchange, write, read)
            uris[role] = uri_with_credentials(self.amqp_uri, user, password)
        return uris

    def close_connections(self, reason: str = "fault injected") -> None:
        """What a network fault looks like to a client: its broker connection is gone."""
        self.ctl("close_all_connections", reason)

    def queue_depths(self) -> dict[str, int]:
        rows = json.loads(self.ctl("list_queues", "name", "messages", "--formatter", "json", "-q") or "[]")
        return {row["name"]: int(row["messages"]) for row in rows}


class ServiceProcess:
    """One service (or the gateway) in its own process, as `sportello run` starts it."""

    def __init__(self, name: str, env: dict, log_dir: Path, command: list[str] | None = None):
        self.name = name
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.command = command or [sys.executable, "-m", "services.chassis.cli", "serve", name]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as when a machine or container dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, grace: float = 30) -> float:
        """SIGTERM, as an orchestrator stops a service; returns how long the stop took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=grace)
        return time.monotonic() - started

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class FaultStack:
    """Broker, SMTP server, five services and the gateway, in a throwaway directory."""

    def __init__(self, extra_processes: dict[str, list[str]] | None = None):
        # Not under pytest's tmp_path: the broker runs as the rabbitmq user and must reach it.
        self.base = Path(tempfile.mkdtemp(prefix="sportello-faults-"))
        self.base.chmod(0o755)
        self.var = self.base / "var"
        self.logs = self.base / "logs"
        self.logs.mkdir()
        self.broker = PrivateBroker(self.base)
        self.smtp = SmtpCapture(self.base / "maildir")
        self.gateway_port = free_port()
        self.url = f"http://127.0.0.1:{self.gateway_port}"
        self.extra_processes = extra_processes or {}
        self.processes: dict[str, ServiceProcess] = {}

    @property
    def env(self) -> dict:
        return dict(
            os.environ, AMQP_URI=self.broker.amqp_uri, SPORTELLO_VAR_DIR=str(self.var),
            GATEWAY_ADDRESS=f"127.0.0.1:{self.gateway_port}", SMTP_HOST=self.smtp.host, SMTP_PORT=str(self.smtp.port),
            SPORTELLO_LOG_LEVEL="INFO", SPORTELLO_RPC_TIMEOUT="5", SPORTELLO_HEALTH_TIMEOUT="1",
            # Short retry delays: a poison message reaches its dead-letter queue within the test.
            SPORTELLO_EVENT_RETRY_DELAYS="0.2,0.5,1",
            PSYCOPG_WAIT_FUNC="wait_select",
        )

    def database_url(self, service: str) -> str:
        return f"sqlite:///{self.var / (service + '.sqlite3')}"

    def cli(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "services.chassis.cli", *args], env=self.env, cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self) -> "FaultStack":
        self.broker.start()
        self.smtp.start()
        self.cli("migrate")
        self.cli("declare-queues")  # before any service publishes, as deploy/ does
        for name, command in self.extra_processes.items():
            self.processes[name] = ServiceProcess(name, self.env, self.logs, command)
        # As in production, each service and the gateway connect as their own broker user.
        role_uris = self.broker.add_role_users()
        for name in (*SERVICES, "gateway"):
            self.processes[name] = ServiceProcess(name, {**self.env, "AMQP_URI": role_uris[name]}, self.logs)
        for process in self.processes.values():
            process.start()
        self.wait_healthy(120)
        return self

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/health", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, timeout: float = 60) -> float:
        started = time.monotonic()
        for name, process in self.processes.items():
            assert process.running or not process.process, f"{name} exited:\n{process.log_text()[-3000:]}"
        wait_until(self.healthy, timeout, interval=0.25, what="every service healthy")
        return time.monotonic() - started

    def keep_logs(self, destination: Path, lines: int = 25) -> str:
        """Copy every log out of the throwaway directory (removed when the suite ends) to
        ``destination``; returns the last ``lines`` of each, which is what a failure is read from."""
        destination.mkdir(parents=True, exist_ok=True)
        parts = []
        for name, process in self.processes.items():
            state = "running" if process.running else f"exited {process.process.returncode}"
            if process.log_path.exists():
                shutil.copy(process.log_path, destination / process.log_path.name)
            parts.append(f"--- {name} ({state}) ---\n" + "\n".join(process.log_text().splitlines()[-lines:]))
        for path in sorted((self.broker.dir / "log").glob("*.log")):  # nothing yet before the broker's start
            shutil.copy(path, destination / f"rabbitmq-{path.name}")
            parts.append(f"--- {path.name} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(parts)

    def restart(self, name: str) -> None:
        self.processes[name].start()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.running:
                process.process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            if process.process is not None:
                try:
                    process.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.process.kill()
        self.smtp.stop()
        try:
            self.broker.stop()
        except (RuntimeError, AssertionError):
            pass
        if os.environ.get("SPORTELLO_FAULTS_KEEP") != "1":
            shutil.rmtree(self.base, ignore_errors=True)
