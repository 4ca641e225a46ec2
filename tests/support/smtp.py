"""A real SMTP server for tests: aiosmtpd in its own process, one .eml file per message.

A separate process keeps asyncio away from the eventlet-patched test process.
Run as ``python -m tests.support.smtp PORT MAILDIR``.
"""
from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path


class SmtpCapture:
    def __init__(self, maildir: Path):
        self.maildir = maildir
        self.host = "127.0.0.1"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "SmtpCapture":
        self.maildir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([sys.executable, "-m", "tests.support.smtp", str(self.port), str(self.maildir)])
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP capture server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(self.maildir.glob("*.eml"))
        ]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages()
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} mails, got {len(self.messages())}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port: int, maildir: Path) -> None:
    import signal

    from aiosmtpd.controller import Controller

    class SaveToMaildir:
        async def handle_DATA(self, server, session, envelope):
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
            (maildir / (name + ".tmp")).write_bytes(envelope.original_content)
            (maildir / (name + ".tmp")).rename(maildir / name)  # atomic: readers never see half a mail
            return "250 Message accepted for delivery"

    controller = Controller(SaveToMaildir(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), Path(sys.argv[2]))
