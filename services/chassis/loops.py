"""A background pass that repeats for the life of a container: the outbox relay, the mail sender.

Woken at once by :meth:`WakeableLoop.kick` (after a commit that gave it work) and otherwise
every ``poll_interval``, as a safety net for work left by a crash or waiting out a back-off.
A full batch runs again at once; a failing pass is logged and retried, because a managed
thread that raises takes its whole container down; on stop, one last pass sends what was
committed just before the SIGTERM.
"""
from __future__ import annotations

import logging

import eventlet
from eventlet.queue import Empty, LightQueue

log = logging.getLogger(__name__)


class WakeableLoop:
    what = "background pass"
    final_pass = True  # one more pass on stop, for work committed just before it

    def __init__(self, poll_interval: float, batch_size: int):
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self._wakeups: LightQueue = LightQueue(maxsize=1)
        self._running = False

    def run_once(self) -> int:
        """Do one batch of work; returns how much was taken (a full batch means: more may wait)."""
        raise NotImplementedError

    def kick(self) -> None:
        try:
            self._wakeups.put_nowait(True)
        except eventlet.queue.Full:
            pass

    def run(self) -> None:
        self._running = True
        while self._running:
            try:
                done = self.run_once()
            except Exception:
                log.exception("%s failed; retrying in %.1fs", self.what, self.poll_interval)
                done = 0
            if done == self.batch_size:
                continue
            try:
                self._wakeups.get(timeout=self.poll_interval)
            except Empty:
                pass
        if not self.final_pass:
            return
        try:
            self.run_once()
        except Exception:
            log.exception("final %s failed; the work stays pending for the next start", self.what)

    def stop(self) -> None:
        self._running = False
        self.kick()
