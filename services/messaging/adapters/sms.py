"""SMS transports. ``FileSms`` is the local channel: one JSON line per message.

A provider (an HTTP API) plugs in as another :class:`Transport` with the same
``send``; until one is chosen, SMS are written to ``<var>/sms/outbox.jsonl``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from services.chassis.domain import utcnow
from services.messaging.adapters.transport import DeliveryFailed, Transport


class FileSms(Transport):
    channel = "sms"

    def __init__(self, directory: Path):
        self.path = Path(directory) / "outbox.jsonl"

    def send(self, notification) -> None:
        line = json.dumps({
            # The id lets a reader drop the rare duplicate (delivery is at-least-once).
            "id": notification.id,
            "to": notification.recipient,
            "body": notification.body,
            "language": notification.language,
            "sent_at": utcnow().isoformat(),
        }, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write() of a whole line on an O_APPEND file: lines from
            # several processes never interleave.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write {self.path}: {exc}") from exc
