"""Slow clients cannot hold the gateway (REVIEW R22, slowloris).

nameko's web server (eventlet.wsgi under it) waits for a request head as long as the client
likes, keeps an idle keep-alive connection for ever, and accepts any number of connections: a
thousand clients each sending a header byte every 20 s held it, and each held connection costs
a file descriptor and a greenthread. Three limits, from the settings:

* ``CLIENT_TIMEOUT`` (``SPORTELLO_CLIENT_TIMEOUT``, 30 s): a client must send its whole request
  head (request line and headers) within this many seconds -- a deadline, not a per-read
  timeout, which a byte every few seconds would keep renewing; it is also the longest pause
  allowed in any read of the body or write of the response (the socket timeout).
* The body, too, has a deadline: after that same grace it must keep up ``MIN_BODY_RATE`` -- byte
  *n* must have arrived ``CLIENT_TIMEOUT + n / MIN_BODY_RATE`` seconds after the first read of the
  body (a whole body of *L* bytes: ``CLIENT_TIMEOUT + L / MIN_BODY_RATE``). A body trickled a byte
  every 25 s never paused long enough for the socket timeout and held a busy connection -- one the
  cap below cannot drop -- for ever. Too slow, it is a 408 problem and the connection closes.
* ``KEEPALIVE_TIMEOUT`` (``SPORTELLO_KEEPALIVE_TIMEOUT``, 75 s): an idle keep-alive connection
  is closed after this long. Longer than a reverse proxy's own upstream keep-alive (ingress-nginx:
  60 s), so that the proxy, not the gateway, closes idle connections and never sends a request
  into one the gateway is closing.
* ``MAX_CONNECTIONS`` (``SPORTELLO_MAX_CONNECTIONS``, 1,000; never more than the process's file
  descriptor limit allows): at the limit, the connection that has waited longest for a request
  head is dropped to make room (it has sent nothing that could be lost; an idle keep-alive
  client reconnects); when every connection is busy with a request, the newcomer gets a 503
  at once rather than waiting unseen in the listen queue.

Per-client connection limits belong to the reverse proxy in front (the gateway behind an
ingress sees one address for everyone).
"""
from __future__ import annotations

import json
import logging
import resource
import socket
import time
from collections import OrderedDict
from functools import partial

import eventlet
from eventlet import greenthread
from eventlet.wsgi import Input
from nameko.web.server import HttpOnlyProtocol, WebServer

from gateway.problems import PROBLEM_BASE

log = logging.getLogger(__name__)

DEFAULT_CLIENT_TIMEOUT, DEFAULT_KEEPALIVE_TIMEOUT, DEFAULT_MAX_CONNECTIONS = 30.0, 75.0, 1000
# Descriptors kept for everything else the process opens: broker connections, logs, files.
FD_RESERVE = 64
WARN_EVERY_SECONDS = 10.0
# The slowest body the gateway waits for, in bytes per second after the CLIENT_TIMEOUT grace:
# 64 kbit/s, a poor mobile link, which still sends the 1 MiB default body limit in about two
# minutes and a 6 MiB return upload in under thirteen; slower than that, a client is holding the
# connection rather than using it.
MIN_BODY_RATE = 8 * 1024

_BUSY_BODY = json.dumps({"type": PROBLEM_BASE + "too-many-connections", "status": 503,
                         "title": "The gateway is serving as many connections as it can.",
                         "detail": "Try again in a moment."}).encode()
BUSY_RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
                 b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(_BUSY_BODY), _BUSY_BODY))


CLOSE_AFTER_RESPONSE = "sportello.close_after_response"


class HeadTimeout(socket.timeout):
    """No whole request head in time, or dropped to make room. A ``socket.timeout``: eventlet's
    server closes the connection quietly on it."""


class BodyTimeout(socket.timeout):
    """The body arrived slower than ``MIN_BODY_RATE``. A ``socket.timeout``, as a pause longer than
    the socket timeout is: whoever reads the body answers both the same way (a 408)."""


class DeadlineInput(Input):
    """eventlet's request body stream, where byte *n* must arrive within ``grace + n / MIN_BODY_RATE``
    seconds of the first read (see the module's docstring). Every read of the body goes through it:
    the route's, werkzeug's form parser's in a worker, eventlet's discarding of an unread body.

    The clock starts at the first read, not at the head, so that time the request spends waiting
    for a worker is not counted against the client. After a failed read the stream is in an unknown
    state: ``on_failure`` makes the connection close after the response.
    """

    def __init__(self, *args, grace: float, on_failure, **kwargs):
        super().__init__(*args, **kwargs)
        self._grace, self._on_failure = grace, on_failure
        self._started: float | None = None
        self._delivered = 0  # across chunks (eventlet's position counts within the current chunk)

    def _do_read(self, reader, length=None):
        remaining = self.content_length - self.position
        wanted = remaining if length is None or length < 0 else min(length, remaining)
        return self._in_time(wanted, super()._do_read, reader, length)

    def _chunked_read(self, rfile, length=None, use_readline=False):
        # A read of unknown size (a chunked body read whole) gets only the time earned so far;
        # the gateway reads chunked bodies in bounded pieces.
        wanted = length if length is not None and length > 0 else 0
        return self._in_time(wanted, super()._chunked_read, rfile, length, use_readline)

    def _in_time(self, wanted: int, read, *args) -> bytes:
        now = time.monotonic()
        if self._started is None:
            self._started = now
        left = self._started + self._grace + (self._delivered + wanted) / MIN_BODY_RATE - now
        try:
            # Past the deadline, data already buffered is still returned (the read does not yield).
            with eventlet.Timeout(max(left, 0.0), BodyTimeout("the body arrived too slowly")):
                data = read(*args)
        except OSError:  # too slow, a pause longer than the socket timeout, or gone
            self._on_failure()
            raise
        self._delivered += len(data)
        return data


def descriptor_bound(limit: int) -> int:
    """``limit``, lowered so that the connections fit in the process's file descriptors."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or limit <= soft - FD_RESERVE:
        return limit
    bound = max(1, soft - FD_RESERVE)
    log.warning("MAX_CONNECTIONS %d does not fit in %d file descriptors (ulimit -n); holding at most %d",
                limit, soft, bound)
    return bound


class ConnectionGuard:
    """The gateway's open connections, and which of them are waiting for a request head."""

    def __init__(self, config):
        self.head_timeout = float(config.get("CLIENT_TIMEOUT", DEFAULT_CLIENT_TIMEOUT))
        self.idle_timeout = float(config.get("KEEPALIVE_TIMEOUT", DEFAULT_KEEPALIVE_TIMEOUT))
        self.limit = descriptor_bound(int(config.get("MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS)))
        self.open = 0
        self._waiting: OrderedDict = OrderedDict()  # greenlet -> None, the longest waiting first
        self._warned_at = float("-inf")

    def admit(self) -> bool:
        """Count a new connection, making room if needed; False: every connection is busy, refuse it."""
        if self.open >= self.limit:
            self._warn()
            if not self._waiting:
                return False
            oldest, _ = self._waiting.popitem(last=False)
            # Thrown at once, where it waits to read: it has read no whole request, so nothing is lost.
            greenthread.kill(oldest, HeadTimeout("dropped to make room for a new connection"))
        self.open += 1
        return True

    def release(self) -> None:
        self.open -= 1

    def waiting(self, waiter) -> None:
        self._waiting[waiter] = None

    def served(self, waiter) -> None:
        self._waiting.pop(waiter, None)

    def _warn(self) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("holding %d connections (MAX_CONNECTIONS): dropping those waiting longest for a request "
                        "head, or refusing new ones with 503 while all are busy", self.open)


def refuse(sock) -> None:
    """The 503 for a connection over the limit, written without waiting on the client."""
    try:
        sock.setblocking(False)
        sock.send(BUSY_RESPONSE)
    except OSError:
        pass
    finally:
        sock.close()


class GuardedProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with a deadline on each request head and an idle keep-alive timeout.

    ``self.server`` is eventlet's wsgi ``Server``; ``ApiServer`` gives it the ``guard``.
    """

    _deadline: eventlet.Timeout | None = None
    _served_one = False

    def handle_one_request(self):
        guard, me = self.server.guard, eventlet.getcurrent()
        guard.waiting(me)
        try:
            super().handle_one_request()
        finally:
            self._head_done()
            self._served_one = True

    def _read_request_line(self):
        if self._served_one and not self._next_request_begins():
            return ""  # idle too long, or the client went away: close
        self._deadline = eventlet.Timeout(self.server.guard.head_timeout, HeadTimeout("request head too slow"))
        return super()._read_request_line()

    def _next_request_begins(self) -> bool:
        """Wait (at most the idle timeout) for the first byte of the connection's next request."""
        try:
            self.connection.settimeout(self.server.guard.idle_timeout)
            return bool(self.rfile.peek(1))
        except OSError:
            return False
        finally:
            self.connection.settimeout(self.server.socket_timeout)

    def get_environ(self):
        environ = super().get_environ()
        # For the app: after a failed body read the connection cannot be reused (and the rest of
        # the body cannot be read to skip it), so it closes after the response.
        close = environ[CLOSE_AFTER_RESPONSE] = lambda: setattr(self, "close_connection", 1)
        plain = environ["eventlet.input"]
        environ["wsgi.input"] = environ["eventlet.input"] = DeadlineInput(
            plain.rfile, plain.content_length, plain.get_socket(), wfile=plain.wfile, wfile_line=plain.wfile_line,
            chunked_input=plain.chunked_input, grace=self.server.guard.head_timeout, on_failure=close)
        return environ

    def parse_request(self):
        try:
            return super().parse_request()  # reads the headers
        finally:
            self._head_done()  # the body and the response have the socket timeout

    def _head_done(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self.server.guard.served(eventlet.getcurrent())


class GuardedWebServer(WebServer):
    """nameko's web server with the guard: its accept loop admits or refuses each connection."""

    def setup(self) -> None:
        super().setup()
        self.guard = ConnectionGuard(self.container.config)

    def get_wsgi_server(self, sock, wsgi_app, **kwargs):
        server = super().get_wsgi_server(sock, wsgi_app, protocol=GuardedProtocol, **kwargs)
        server.guard = self.guard
        server.socket_timeout = self.guard.head_timeout  # the longest pause in any read or write
        return server

    def run(self):
        # nameko's accept loop (WebServer.run), with the connection cap.
        while self._is_accepting:
            sock, address = self._sock.accept()
            if not self.guard.admit():
                refuse(sock)
                continue
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self.process_request, sock, address))

    def process_request(self, sock, address):
        try:
            super().process_request(sock, address)
        finally:
            self.guard.release()
