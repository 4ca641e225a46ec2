"""A consumer that raises on every message: the poison scenario's broken neighbour.

It listens to ``orders.order_delivered`` beside returns and messaging. Each of
its messages must end in its own dead-letter queue after the retries, while
the healthy consumers of the same event go on. Run as ``python -m tests.faults.poison``.
"""
import eventlet

eventlet.monkey_patch()

from services.chassis.retry import ReliableEventHandler  # noqa: E402


class PoisonAuditor:
    name = "poison_auditor"

    @ReliableEventHandler.decorator("orders", "order_delivered")
    def audit_delivery(self, payload):
        raise RuntimeError("the auditor fails on every delivery (fault injected)")


if __name__ == "__main__":
    from nameko.cli.run import run

    from services.chassis.config import load_settings, nameko_config

    run([PoisonAuditor], nameko_config(load_settings()))
