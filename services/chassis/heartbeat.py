"""The heartbeat dependency that ``sportello serve`` adds to a service (see :mod:`services.chassis.probes`)."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import eventlet
from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)


class Heartbeat(DependencyProvider):
    """Touches ``path`` every ``interval`` seconds from the container's started state until it stops."""

    def __init__(self, path: Path, interval: float):
        self.path = Path(path)
        self.interval = interval
        self._thread = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread = self.container.spawn_managed_thread(self._beat)

    def _beat(self) -> None:
        while True:
            # Extensions start concurrently; the container is "started" only when all of them are.
            if self.container.started:
                try:
                    self.path.touch()
                except OSError as exc:  # a full or read-only disk must not kill the service
                    log.warning("heartbeat: cannot touch %s: %s", self.path, exc)
            eventlet.sleep(self.interval)

    def stop(self) -> None:
        # A stopping process is no longer ready: the probe fails at once, not after the max age.
        if self._thread is not None:
            self._thread.kill()
            self._thread = None
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    kill = stop
