"""A TCP relay between a client and the broker, for network faults no broker command makes.

- ``stalled``: bytes are held, nothing is closed: a half-open path (a frozen NAT entry, a paused
  broker VM); the socket stays up, nothing comes back, only the caller's own timeout ends it.
- ``refusing``: new connections are closed at once: the broker is away for this client.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import eventlet


class TcpRelay:
    def __init__(self, amqp_uri: str):
        parts = urlsplit(amqp_uri)
        self.target = (parts.hostname, parts.port or 5672)
        self.server = eventlet.listen(("127.0.0.1", 0))
        self.amqp_uri = urlunsplit(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:"
                                                        f"{self.server.getsockname()[1]}"))
        self.stalled = False
        self.refusing = False
        self.threads = [eventlet.spawn(self._accept)]

    def _accept(self):
        while True:
            client, _ = self.server.accept()
            if self.refusing:
                client.close()
                continue
            upstream = eventlet.connect(self.target)
            self.threads += [eventlet.spawn(self._pipe, client, upstream), eventlet.spawn(self._pipe, upstream, client)]

    def _pipe(self, source, destination):
        try:
            while data := source.recv(65536):
                while self.stalled:  # held, not dropped: the connection looks alive to both ends
                    eventlet.sleep(0.05)
                destination.sendall(data)
        except OSError:
            pass
        finally:
            destination.close()

    def close(self):
        for thread in self.threads:
            thread.kill()
        self.server.close()
