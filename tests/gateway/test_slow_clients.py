"""Slow clients cannot hold the gateway (REVIEW R22, slowloris).

A client has CLIENT_TIMEOUT seconds to send a whole request head, however it trickles the bytes;
an idle keep-alive connection is closed after KEEPALIVE_TIMEOUT; at MAX_CONNECTIONS the
connection that has waited longest for a request head makes room for the new one, and when
every connection is busy with a request the newcomer gets a 503 at once instead of waiting.
The timeouts are lowered here so that the tests take seconds.
"""
from __future__ import annotations

import socket
import time

import eventlet
import pytest
import requests

HEAD_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS = 1.0, 1.0, 100
PARTIAL_HEAD = b"GET /health/live HTTP/1.1\r\nHost: gateway\r\n"


def start_gateway(system, config, head_timeout=HEAD_TIMEOUT, max_connections=MAX_CONNECTIONS):
    config.update(CLIENT_TIMEOUT=head_timeout, KEEPALIVE_TIMEOUT=IDLE_TIMEOUT, MAX_CONNECTIONS=max_connections)
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


def answers_promptly(url: str, within: float = 1.0) -> bool:
    started = time.monotonic()
    response = requests.get(f"{url}/health/live", timeout=within + 5)
    return response.status_code == 200 and time.monotonic() - started < within


def test_a_connection_that_sends_nothing_is_closed_after_the_timeout(gateway):
    _, address = gateway
    started = time.monotonic()
    with connect(address) as silent:
        assert closed_by_server(silent, within=HEAD_TIMEOUT + 3)
    assert HEAD_TIMEOUT * 0.8 <= time.monotonic() - started < HEAD_TIMEOUT + 2


def test_a_client_trickling_its_request_head_is_cut_off_at_the_deadline(gateway):
    """One byte every 0.2 s never leaves a read idle for a whole timeout: only a deadline stops it."""
    _, address = gateway
    started = time.monotonic()
    with connect(address) as slow:
        for byte in PARTIAL_HEAD * 10:
            if time.monotonic() - started > HEAD_TIMEOUT + 3:
                break
            try:
                slow.send(bytes([byte]))
            except OSError:
                break
            if closed_by_server(slow, within=0.2):
                break
        elapsed = time.monotonic() - started
    assert elapsed < HEAD_TIMEOUT + 1, f"still open after {elapsed:.1f}s"


def test_a_body_that_stops_arriving_is_a_408_problem_not_a_500(gateway):
    _, address = gateway
    with connect(address) as client:
        client.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                       b"Content-Length: 100\r\n\r\n{")
        client.settimeout(HEAD_TIMEOUT + 3)
        answer = client.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408") and b"request-timeout" in answer


def test_an_idle_keep_alive_connection_is_closed_but_a_prompt_next_request_is_served(gateway):
    url, address = gateway
    request = PARTIAL_HEAD + b"\r\n"
    with connect(address) as client:
        for _ in range(2):
            client.sendall(request)
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
            eventlet.sleep(IDLE_TIMEOUT / 2)  # a pause shorter than the idle timeout keeps it
        assert closed_by_server(client, within=IDLE_TIMEOUT + 2)


def test_many_slow_connections_make_room_for_a_normal_request(system, config):
    url, address = start_gateway(system, config, head_timeout=30)  # only the cap can help here
    slow = []
    try:
        for _ in range(2 * MAX_CONNECTIONS):
            sock = connect(address)
            sock.sendall(PARTIAL_HEAD[:10])  # a head begun, never finished
            slow.append(sock)
            eventlet.sleep(0)
        assert answers_promptly(url)
        dropped = sum(closed_by_server(sock, within=0.01) for sock in slow)
        # The oldest waiters were dropped to keep the gateway under its limit; most of the newest still wait.
        assert dropped >= MAX_CONNECTIONS, dropped
        assert not any(closed_by_server(sock, within=0.01) for sock in slow[-MAX_CONNECTIONS // 2:])
    finally:
        for sock in slow:
            sock.close()


def test_when_every_connection_is_busy_with_a_request_a_newcomer_gets_503_at_once(system, config):
    url, address = start_gateway(system, config, head_timeout=30, max_connections=10)
    busy = []
    try:
        for _ in range(10):  # a whole head, then a body that never comes: these are requests, not waiters
            sock = connect(address)
            sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{")
            busy.append(sock)
        eventlet.sleep(0.2)
        started = time.monotonic()
        refused = requests.get(f"{url}/health/live", timeout=5)
        assert time.monotonic() - started < 1
        assert refused.status_code == 503 and refused.headers["Content-Type"] == "application/problem+json"
        assert refused.headers["Retry-After"] and refused.json()["type"].endswith("/too-many-connections")
    finally:
        for sock in busy:
            sock.close()
    eventlet.sleep(0.2)
    assert answers_promptly(url)
