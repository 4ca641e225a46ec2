"""``sportello run`` (what ``make run`` calls): the whole system on this machine, one process each.

It migrates every database, declares the broker topology and every process's own broker user as
the operator, starts the five services and the gateway as child processes (each logged in as its
own user), waits for ``/health``, loads the demo data, and stops them all together.
``--instances N`` (``make run-cluster``) starts N processes of every service (the gateway stays one).

Stopping: the launcher alone handles SIGINT and SIGTERM and sends each child one SIGTERM. The
children ignore SIGINT: a terminal's Ctrl-C reaches the whole process group, and a nameko
process that got SIGINT and then the launcher's SIGTERM ran two ``ServiceContainer.stop`` at
once; each entrypoint's ``QueueConsumer.unregister_provider`` then overwrote the other's
"removed" event, so the first stop waited for ever and the launcher killed every child after its
grace period.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from services.chassis.cli import _settings, cmd_declare_queues, cmd_migrate, fetch_health, refused_in_production


def rotated(amqp_uri: str, by: int) -> str:
    """A failover AMQP_URI starting at another node: the processes spread their connections over the
    cluster instead of all using the first node (and all failing over at once when it dies)."""
    from services.chassis.broker_identities import failover_uris

    uris = failover_uris(amqp_uri)
    by %= len(uris)
    return ";".join(uris[by:] + uris[:by])


class Launcher:
    """Starts every service (``instances`` processes each) and the gateway as child processes and
    stops them together."""

    def __init__(self, settings, startup_timeout: float, role_uris: dict[str, str] | None = None,
                 instances: int = 1):
        self.settings = settings
        self.startup_timeout = startup_timeout
        # Each child connects to the broker as its own user (services/chassis/broker_identities.py).
        self.role_uris = role_uris or {}
        self.instances = instances
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def processes(self):
        """(label, role, its environment) of every child: ``orders`` alone, or ``orders-1``, ``orders-2``..."""
        from services.chassis.config import SERVICES

        started = 0
        for name in (*SERVICES, "gateway"):
            count = 1 if name == "gateway" else self.instances
            for number in range(1, count + 1):
                env = os.environ.copy()
                if name in self.role_uris:
                    env["AMQP_URI"] = rotated(self.role_uris[name], started)
                label = name if count == 1 else f"{name}-{number}"
                if count > 1:  # each process's own heartbeat file (services/chassis/probes.py)
                    env["SPORTELLO_PROBE_DIR"] = str(self.settings.var_dir / "probe" / label)
                started += 1
                yield label, name, env

    def start(self) -> None:
        for label, name, env in self.processes():
            self.children[label] = subprocess.Popen(
                [sys.executable, "-m", "services.chassis.cli", "serve", name],
                env=env,
                preexec_fn=ignore_sigint,  # the launcher's SIGTERM is each child's one stop signal
            )

    def wait_healthy(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        body: dict = {}
        while time.monotonic() < deadline and not self.stopping:
            self.check_children()
            status, body = fetch_health(self.settings.gateway_url, timeout=3)
            if status == 200 and self.all_instances_up(body):
                return True
            time.sleep(0.5)
        down = [n for n, s in body.get("services", {}).items() if s.get("status") != "up"]
        print(f"sportello: not healthy after {self.startup_timeout:g}s; down: {down or 'gateway'}", file=sys.stderr)
        return False

    def all_instances_up(self, health: dict) -> bool:
        """Every service answers with all its processes consuming (``instances`` in /health)."""
        if self.instances == 1:
            return True
        return all((state.get("instances") or 0) >= self.instances for state in health.get("services", {}).values())

    def check_children(self) -> None:
        for name, child in self.children.items():
            if child.poll() is not None and not self.stopping:
                raise RuntimeError(f"{name} exited with status {child.returncode}")

    def stop(self, grace: float = 20.0) -> None:
        self.stopping = True
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # nameko lets running workers finish
        deadline = time.monotonic() + grace
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"sportello: {name} did not stop in {grace:g}s; killing it", file=sys.stderr)
                child.kill()
                child.wait()


def ignore_sigint() -> None:
    """Run in each child before exec: SIGINT stays ignored there (Python keeps an inherited SIG_IGN)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def cmd_run(args) -> int:
    settings = _settings()
    if refused_in_production(settings, demo_data=not args.no_demo):  # before anything is migrated or started
        return 2
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    cmd_migrate(argparse.Namespace(names=None))
    # Before any service publishes: no event may find its consumer's queue missing.
    cmd_declare_queues(argparse.Namespace(quiet=True))
    from services.chassis.broker_identities import provision_roles

    # AMQP_URI is the operator's here; every child gets its own user, made (or updated) now.
    role_uris = provision_roles(settings.amqp_uri, settings.rabbitmq_management_url, os.environ, settings.var_dir)
    launcher = Launcher(settings, args.startup_timeout, role_uris, instances=settings.instances)

    def on_signal(signum, frame):
        launcher.stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    exit_code = 0
    try:
        launcher.start()
        if not launcher.wait_healthy():
            exit_code = 1 if not launcher.stopping else 0
        else:
            demo_lines = []
            if not args.no_demo:
                from services.chassis.demo import load_demo

                demo_lines = load_demo(settings)
            if demo_lines:
                print("demo data loaded:\n" + "\n".join(demo_lines))
            print(f"\nSportello is up: {settings.gateway_url}  (health: {settings.gateway_url}/health, "
                  f"API: {settings.gateway_url}/api/v1/openapi.json). Ctrl-C stops it.\n", flush=True)
            while not launcher.stopping:
                launcher.check_children()
                time.sleep(0.5)
    except RuntimeError as exc:
        print(f"sportello: {exc}; stopping everything", file=sys.stderr)
        exit_code = 1
    finally:
        launcher.stop()
        print("sportello: stopped", flush=True)
    return exit_code
