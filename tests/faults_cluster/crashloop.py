"""A consumer whose process dies on some messages: the crash-loop scenario's broken neighbour.

It reads ``orders.order_placed`` from a handler queue under the returns handler policy
(``evt-orders-order_placed--returns.crash_drill``: quorum, delivery limit, dead-lettering into
``returns.dead-letters``), acks each event and appends its order number to ACK_LOG, except an
order whose e-mail (the one order_placed carries: the billing ``invoice_email``) starts with
``crash-``: then the process exits at once, holding the delivery (no ack, no reject), as a segfault
or an out-of-memory kill would. The test starts it
again every time, as an orchestrator does. Run as ``python -m tests.faults_cluster.crashloop``.
"""
import json
import os
import socket

from kombu import Connection, Queue

QUEUE = "evt-orders-order_placed--returns.crash_drill"


def main() -> None:
    log_path = os.environ["CRASH_DRILL_ACK_LOG"]
    with Connection(os.environ["AMQP_URI"], heartbeat=10) as connection:
        queue = Queue(QUEUE, no_declare=True)

        def on_message(body, message):
            event = json.loads(body) if isinstance(body, (bytes, str)) else body
            if str(event.get("email") or "").startswith("crash-"):
                os._exit(3)
            with open(log_path, "a") as log:
                log.write(f"{event['order_number']}\n")
            message.ack()

        with connection.Consumer(queue, callbacks=[on_message], accept=["json"], prefetch_count=1):
            while True:  # heartbeats sent and checked, or the broker closes a quiet consumer after 20-30 s
                try:
                    connection.drain_events(timeout=1)
                except socket.timeout:
                    pass
                connection.heartbeat_check()


if __name__ == "__main__":
    main()
