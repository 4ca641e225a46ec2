"""Slow clients cannot hold the gateway (REVIEW R22, slowloris).

A client has CLIENT_TIMEOUT seconds to send a whole request head, however it trickles the bytes,
and its body must keep up MIN_BODY_RATE after that grace; an idle keep-alive connection is closed
after KEEPALIVE_TIMEOUT; at MAX_CONNECTIONS the connection that has waited longest for a request
head makes room for the new one, and when every connection is busy with a request the newcomer
gets a 503 at once instead of waiting. The timeouts are lowered here so that the tests take
seconds; the bounds are generous (two suites share a loaded 2-core machine) and each is still
far below what a missing guard would take.
"""
from __future__ import annotations

import socket
import time

import eventlet
import pytest
import requests

from gateway.connections import MIN_BODY_RATE
from tests.support.fixtures import wait_until

HEAD_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS = 1.0, 1.0, 100
SLACK = 4.0  # what a loaded machine may add to any deadline before a test calls it broken
PARTIAL_HEAD = b"GET /health/live HTTP/1.1\r\nHost: gateway\r\n"


def start_gateway(system, config, head_timeout=HEAD_TIMEOUT, idle_timeout=IDLE_TIMEOUT,
                  max_connections=MAX_CONNECTIONS):
    config.update(CLIENT_TIMEOUT=head_timeout, KEEPALIVE_TIMEOUT=idle_timeout, MAX_CONNECTIONS=max_connections)
    system.start("gateway")
    host, port = config["WEB_SERVER_ADDRESS"].split(":")
    return system.gateway_url, (host, int(port))


@pytest.fixture
def gateway(system, config):
    return start_gateway(system, config)


def connect(address) -> socket.socket:
    sock = socket.create_connection(address, timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def login_head(content_length: int, *extra: bytes) -> bytes:
    return (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
            + b"".join(extra) + b"Content-Length: %d\r\n\r\n" % content_length)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes the connection (EOF or reset) within ``within`` seconds."""
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def closed_now(sock: socket.socket) -> bool:
    """Whether the server has closed the connection, without waiting and without consuming data."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:  # reset
        return True
    finally:
        sock.settimeout(10)


def answers(url: str, within: float = SLACK) -> bool:
    started = time.monotonic()
    response = requests.get(f"{url}/health/live", timeout=within + 5)
    return response.status_code == 200 and time.monotonic() - started < within


def trickle(sock: socket.socket, data: bytes, every: float, for_at_most: float) -> bytes | None:
    """Send ``data`` a byte at a time, ``every`` seconds apart, until the server answers: the answer's
    first bytes (``b""`` when it closed the connection), or None if it did neither in ``for_at_most`` s."""
    deadline = time.monotonic() + for_at_most
    for byte in data:
        if time.monotonic() > deadline:
            return None
        try:
            sock.send(bytes([byte]))
            sock.settimeout(every)
            return sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return b""
    return None


def test_a_connection_that_sends_nothing_is_closed_after_the_timeout(gateway):
    _, address = gateway
    started = time.monotonic()
    with connect(address) as silent:
        assert closed_by_server(silent, within=HEAD_TIMEOUT + SLACK + 1)
    assert HEAD_TIMEOUT * 0.8 <= time.monotonic() - started < HEAD_TIMEOUT + SLACK


def test_a_client_trickling_its_request_head_is_cut_off_at_the_deadline(gateway):
    """One byte every 0.2 s never leaves a read idle for a whole timeout: only a deadline stops it."""
    _, address = gateway
    started = time.monotonic()
    with connect(address) as slow:
        for byte in PARTIAL_HEAD * 10:  # ~90 s of bytes
            if time.monotonic() - started > HEAD_TIMEOUT + SLACK + 2:
                break
            try:
                slow.send(bytes([byte]))
            except OSError:
                break
            if closed_by_server(slow, within=0.2):
                break
        elapsed = time.monotonic() - started
    assert elapsed < HEAD_TIMEOUT + SLACK, f"still open after {elapsed:.1f}s"


def test_a_body_that_stops_arriving_is_a_408_problem_not_a_500(gateway):
    _, address = gateway
    with connect(address) as client:
        client.sendall(login_head(100) + b"{")
        client.settimeout(HEAD_TIMEOUT + SLACK)
        answer = client.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408") and b"request-timeout" in answer


def test_a_client_trickling_its_body_is_cut_off_at_the_body_deadline(system, config):
    """A body byte every 0.25 s never leaves a read idle for a whole CLIENT_TIMEOUT (2 s here), so the
    socket timeout never fires; 214 bytes at that pace would hold the connection for 53 s. The body
    deadline (2 s + 214 bytes / MIN_BODY_RATE) answers 408 or closes the connection."""
    head_timeout = 2.0
    _, address = start_gateway(system, config, head_timeout=head_timeout)
    body = b'{"pad": "' + b"a" * 203 + b'"}'
    deadline = head_timeout + len(body) / MIN_BODY_RATE
    started = time.monotonic()
    with connect(address) as slow:
        slow.sendall(login_head(len(body)))
        answer = trickle(slow, body, every=0.25, for_at_most=deadline + SLACK + 2)
    elapsed = time.monotonic() - started
    assert answer is not None, f"still reading the body after {elapsed:.1f}s"
    assert answer == b"" or (answer.startswith(b"HTTP/1.1 408") and b"request-timeout" in answer), answer
    assert deadline * 0.8 <= elapsed < deadline + SLACK, elapsed


def test_a_trickled_body_the_gateway_answers_without_reading_is_not_discarded_for_ever(system, config):
    """No token, so a 401 before the body is read; eventlet then reads the body to discard it before
    the next request on the connection, with the same deadline."""
    head_timeout = 2.0
    _, address = start_gateway(system, config, head_timeout=head_timeout)
    body = b"x" * 214
    deadline = head_timeout + len(body) / MIN_BODY_RATE
    with connect(address) as slow:
        slow.sendall(login_head(len(body)).replace(b"/auth/login", b"/auth/logout"))
        answer = trickle(slow, body[:10], every=0.25, for_at_most=SLACK)
        assert answer is not None and answer.startswith(b"HTTP/1.1 401"), answer
        started = time.monotonic()
        after = trickle(slow, body[10:], every=0.25, for_at_most=deadline + SLACK + 2)
    elapsed = time.monotonic() - started
    assert after == b"", f"still discarding the body after {elapsed:.1f}s: {after!r}"
    assert elapsed < deadline + SLACK, elapsed


def test_a_body_at_a_fair_rate_may_take_longer_than_the_client_timeout(gateway):
    """The deadline grows with the body: 64 KiB at ~20 KiB/s takes ~3 s, three times CLIENT_TIMEOUT,
    and is read whole (the login schema then refuses it with a 422, not a 408)."""
    _, address = gateway
    body = b'{"pad": "' + b"a" * (64 * 1024 - 11) + b'"}'
    piece, pause = 2048, 0.1
    assert HEAD_TIMEOUT + len(body) / MIN_BODY_RATE > len(body) / piece * pause + SLACK  # the time it is allowed
    started = time.monotonic()
    with connect(address) as client:
        client.sendall(login_head(len(body)))
        for offset in range(0, len(body), piece):
            client.sendall(body[offset:offset + piece])
            eventlet.sleep(pause)
        assert time.monotonic() - started > 2 * HEAD_TIMEOUT
        client.settimeout(HEAD_TIMEOUT + SLACK)
        answer = client.recv(65536)
    assert answer.startswith(b"HTTP/1.1 422"), answer[:200]


def test_an_idle_keep_alive_connection_is_closed_but_a_prompt_next_request_is_served(system, config):
    idle_timeout = 3.0  # well above the pause below, whatever the machine's load
    _, address = start_gateway(system, config, idle_timeout=idle_timeout)
    request = PARTIAL_HEAD + b"\r\n"
    with connect(address) as client:
        for _ in range(2):
            client.sendall(request)
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
            eventlet.sleep(0.5)  # a pause shorter than the idle timeout keeps it
        started = time.monotonic()
        assert closed_by_server(client, within=idle_timeout + SLACK)
    assert time.monotonic() - started >= idle_timeout * 0.8 - 0.5


def test_many_slow_connections_make_room_for_a_normal_request(system, config):
    url, address = start_gateway(system, config, head_timeout=30)  # only the cap can help here
    slow = []
    try:
        for _ in range(2 * MAX_CONNECTIONS):
            sock = connect(address)
            sock.sendall(PARTIAL_HEAD[:10])  # a head begun, never finished
            slow.append(sock)
            eventlet.sleep(0)
        assert answers(url)
        # The oldest waiters were dropped to keep the gateway under its limit; most of the newest still wait.
        dropped = wait_until(lambda: (n := sum(map(closed_now, slow))) >= MAX_CONNECTIONS and n, timeout=SLACK)
        assert dropped >= MAX_CONNECTIONS, dropped
        assert not any(closed_now(sock) for sock in slow[-MAX_CONNECTIONS // 2:])
    finally:
        for sock in slow:
            sock.close()


def test_when_every_connection_is_busy_with_a_request_a_newcomer_gets_503_at_once(system, config):
    url, address = start_gateway(system, config, head_timeout=30, max_connections=10)
    busy = []
    try:
        for _ in range(10):  # a whole head, then a body that never comes: these are requests, not waiters
            sock = connect(address)
            sock.sendall(login_head(100, b"Expect: 100-continue\r\n"))
            busy.append(sock)
        for sock in busy:  # "100 Continue" comes when the route starts reading the body: the head is done
            sock.settimeout(SLACK)
            assert sock.recv(4096).startswith(b"HTTP/1.1 100"), "the gateway did not start reading the body"
            sock.sendall(b"{")
        started = time.monotonic()
        refused = requests.get(f"{url}/health/live", timeout=10)
        assert time.monotonic() - started < SLACK - 1
        assert refused.status_code == 503 and refused.headers["Content-Type"] == "application/problem+json"
        assert refused.headers["Retry-After"] and refused.json()["type"].endswith("/too-many-connections")
    finally:
        for sock in busy:
            sock.close()
    # The closed connections are released as the gateway notices (a 503 meanwhile is a retry).
    wait_until(lambda: answers(url), timeout=SLACK + 4)
