"""A TCP relay that can black-hole its connections, in a process of its own (scenario 8).

Black-holed (SIGUSR1), it forwards nothing in either direction and passes no close on, while the
sockets on both sides stay open: to each end the path looks alive and silent, as when a network
drops every packet. What it reads meanwhile is held, not lost (TCP would retransmit it once the
path heals) and, like the closes that happened meanwhile, goes on after SIGUSR2. It keeps reading
while black-holed only to see, and log, when each end gave the connection up: that is how the
scenario tells who detected the fault and after how long (the lines carry time.monotonic(), the
same clock as the test's).

Run as ``python -m tests.faults_cluster.blackhole TARGET_HOST TARGET_PORT``; it prints
``listening PORT`` first. Plain threads: no eventlet here, nothing to share a hub with.
"""
from __future__ import annotations

import itertools
import queue
import signal
import socket
import sys
import threading
import time

healed = threading.Event()
healed.set()
print_lock = threading.Lock()


def say(*words) -> None:
    with print_lock:
        print(f"{time.monotonic():.3f}", *words, flush=True)


def forward(number: int, side: str, source: socket.socket, destination: socket.socket) -> None:
    """``side`` names the end ``source`` is: 'service' or 'broker'."""
    held: queue.Queue = queue.Queue()

    def read():
        try:
            while data := source.recv(65536):
                held.put(data)
        except OSError:
            pass
        say("closed", number, side, "black-holed" if not healed.is_set() else "open")
        held.put(None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        data = held.get()
        healed.wait()  # nothing, not even a close, crosses a black hole
        if data is None:
            for sock in (destination, source):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            return
        try:
            destination.sendall(data)
        except OSError:
            return


def main() -> None:
    target = (sys.argv[1], int(sys.argv[2]))
    server = socket.create_server(("127.0.0.1", 0))
    signal.signal(signal.SIGUSR1, lambda *_: (healed.clear(), say("black-hole on")))
    signal.signal(signal.SIGUSR2, lambda *_: (healed.set(), say("black-hole off")))
    say("listening", server.getsockname()[1])
    for number in itertools.count(1):
        client, _ = server.accept()
        healed.wait()  # a connect through a black hole: accepted by the kernel, answered by nobody
        try:
            upstream = socket.create_connection(target, timeout=5)
        except OSError:
            client.close()
            continue
        upstream.settimeout(None)
        say("accepted", number)
        threading.Thread(target=forward, args=(number, "service", client, upstream), daemon=True).start()
        threading.Thread(target=forward, args=(number, "broker", upstream, client), daemon=True).start()


if __name__ == "__main__":
    main()
