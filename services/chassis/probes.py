"""A per-process heartbeat for container probes of the nameko services.

A nameko service has no port of its own: its work arrives from RabbitMQ, so an
HTTP probe has nothing to ask, and an RPC ``ping`` is answered by *any* replica,
which says nothing about this pod. Instead each ``sportello serve`` process
touches a file every few seconds once its container has started;
``sportello probe NAME`` (the Kubernetes exec probe) passes while that file is
fresh. A stale file means the eventlet hub is stuck (a blocking call, a dead
loop) or the container never finished starting: restart it, or keep traffic
away until it is up. Broker and database outages do not fail the probe:
restarting pods does not cure them, and nameko reconnects by itself.

The file must be local to the container or pod: on a volume shared by replicas one
live pod would vouch for a dead one. docker-compose.yml and deploy/k8s set
``SPORTELLO_PROBE_DIR=/tmp``; without it the file goes under ``<SPORTELLO_VAR_DIR>/probe``,
so that several stacks on one development machine keep apart.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

DEFAULT_INTERVAL_SECONDS = 2.0


def heartbeat_path(service: str, directory: str | None = None) -> Path:
    directory = directory or os.environ.get("SPORTELLO_PROBE_DIR", "").strip()
    if not directory:
        from services.chassis.config import load_settings

        directory = load_settings().var_dir / "probe"
    return Path(directory) / f"sportello-{service}.heartbeat"


def heartbeat_age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the last beat, or None when there is no heartbeat file."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, (time.time() if now is None else now) - mtime)


def with_heartbeat(service_cls, path: Path, interval: float = DEFAULT_INTERVAL_SECONDS):
    """``service_cls`` with a :class:`Heartbeat` dependency added (same name, same entrypoints)."""
    from services.chassis.heartbeat import Heartbeat  # nameko's extension API, loaded after monkey-patching

    return type(service_cls.__name__, (service_cls,), {
        "__module__": service_cls.__module__,
        "__doc__": service_cls.__doc__,
        "probe_heartbeat": Heartbeat(path, interval),
    })
