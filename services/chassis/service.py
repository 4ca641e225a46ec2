"""What every Sportello service has: request-id logging and a ``ping`` that touches its database."""
from __future__ import annotations

from services.chassis.idempotency import Idempotency
from services.chassis.observability import RequestContext
from services.chassis.rpc import rpc


class ServiceBase:
    """Mixin for a service class; the class sets ``name`` and ``db = Database(...)``."""

    name: str
    request_context = RequestContext()
    idempotency = Idempotency()  # what methods marked @idempotent run under (chassis/idempotency.py)

    @rpc
    def ping(self) -> dict:
        self.db.ping()
        return {"service": self.name, "status": "up"}
