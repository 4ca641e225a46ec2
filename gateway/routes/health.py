from __future__ import annotations

import time

import eventlet
from gateway.broker_nodes import broker_summary
from gateway.http import route
from gateway.openapi import build_spec
from gateway.schemas.common import Health
from services.chassis.config import SERVICES
from services.chassis.errors import DomainError, NotFound
from services.chassis.rpc import LIVENESS, call


class HealthRoutes:
    @route("GET", "/health", response=Health, tags=("operations",), answers=(503,),
           summary="Each service's status (bounded ping) and instances, and the broker nodes")
    def get_health(self, request):
        timeout = self.config.get("HEALTH_TIMEOUT", 2.0)
        broker = eventlet.spawn(broker_summary, self.config["AMQP_URI"], timeout)
        pile = eventlet.GreenPile(len(SERVICES))
        for name in SERVICES:
            pile.spawn(self._ping, name, timeout)
        states = dict(zip(SERVICES, pile))
        healthy = all(s["status"] == "up" for s in states.values())
        # The services decide the status: a cluster that lost one node still serves.
        return (200 if healthy else 503), {"status": "ok" if healthy else "degraded", "services": states,
                                           "broker": broker.wait()}

    def _ping(self, name: str, timeout: float) -> dict:
        started = time.perf_counter()
        try:
            call(getattr(self, name), "ping", timeout=timeout)
        except DomainError as exc:
            return {"status": "down", "latency_ms": None, "error": exc.problem}
        except Exception as exc:  # a broken service must show as down, not break /health
            return {"status": "down", "latency_ms": None, "error": type(exc).__name__}
        return {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                "instances": self._instances(name)}

    def _instances(self, name: str) -> int | None:
        """The processes consuming ``rpc-<name>``, as the broker counts them (None: it could not tell)."""
        return LIVENESS.consumers(self.config["AMQP_URI"], name)

    @route("GET", "/health/live", summary="The gateway process answers (no downstream call)", tags=("operations",))
    def get_liveness(self, request):
        return {"status": "ok"}

    @route("GET", "/health/<service>", response=Health, summary="One service's status (one bounded ping)",
           tags=("operations",), problem_statuses=(404,), answers=(503,))
    def get_service_health(self, request, service):
        if service not in SERVICES:
            raise NotFound(f"No service called {service!r}.", problem="unknown-service")
        state = self._ping(service, self.config.get("HEALTH_TIMEOUT", 2.0))
        healthy = state["status"] == "up"
        return (200 if healthy else 503), {"status": "ok" if healthy else "degraded", "services": {service: state}}

    @route("GET", "/api/v1/openapi.json", summary="This API's OpenAPI 3 document", tags=("operations",))
    def get_openapi_document(self, request):
        return build_spec(type(self), server_url=self.config.get("OPENAPI_SERVER_URL", "/"))
