"""Where a request comes from: the browser origins allowed to call the API (:class:`Cors`) and,
behind reverse proxies, the client's own address (:class:`TrustedProxies`)."""
from __future__ import annotations

import ipaddress

from werkzeug.wrappers import Response

from gateway import problems


class Cors:
    """Cross-origin access for the configured origins only (``CORS_ORIGINS``; none by default).

    Bearer tokens travel in a header, never in cookies, so no origin is ever allowed
    credentials; a preflight from another origin is refused with a 403.
    """

    ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-ID"
    EXPOSED_HEADERS = "Location, Retry-After, X-Request-ID"
    MAX_AGE = "600"

    def __init__(self, origins):
        # Exact origins only: "*" would open the API to every page, and "null" is what sandboxed
        # frames and file: pages send -- anyone can be "null".
        self.origins = frozenset(o.strip().rstrip("/") for o in origins or ()
                                 if o.strip() and o.strip() not in ("*", "null"))

    def allows(self, origin: str | None) -> bool:
        return bool(origin) and origin in self.origins

    def response_headers(self, origin: str | None) -> list[tuple[str, str]]:
        headers = [("Vary", "Origin")] if self.origins else []
        if self.allows(origin):
            headers += [("Access-Control-Allow-Origin", origin),
                        ("Access-Control-Expose-Headers", self.EXPOSED_HEADERS)]
        return headers

    @staticmethod
    def is_preflight(environ) -> bool:
        return environ.get("REQUEST_METHOD") == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ

    def preflight(self, environ, adapter, request_id: str) -> Response:
        origin = environ.get("HTTP_ORIGIN")
        if not self.allows(origin):
            return problems.problem_response(403, "origin-not-allowed", "This origin may not call the API.",
                                             "Cross-origin requests are allowed for configured origins only.",
                                             request_id)
        method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper()
        adapter.match(method=method)  # NotFound or MethodNotAllowed (a problem) when nothing answers it
        return Response(status=204, headers={
            "Access-Control-Allow-Methods": method,
            "Access-Control-Allow-Headers": self.ALLOWED_HEADERS,
            "Access-Control-Max-Age": self.MAX_AGE,
        })


class TrustedProxies:
    """Who the client is when the gateway stands behind reverse proxies (``TRUSTED_PROXIES``).

    Behind an ingress every request comes from the proxy's address, and the per-address limits
    (logins, reset links, registrations) would count all customers as one. The client is then
    the last address in ``X-Forwarded-For`` that is not one of the trusted proxies, read from
    the right: each proxy appends the address it saw, so what a client writes there itself
    stays on the left and is never believed. With no trusted proxies (the default, and when
    the gateway is reached directly) the header is ignored.
    """

    def __init__(self, networks):
        # Checked, with the setting's name, when the settings are read (config.trusted_networks).
        self.networks = tuple(ipaddress.ip_network(network, strict=False) for network in networks or ())

    def _is_proxy(self, ip) -> bool:
        return any(ip in network for network in self.networks)

    def client_address(self, environ) -> str | None:
        peer = environ.get("REMOTE_ADDR")
        peer_ip = _ip_or_none(peer) if self.networks else None
        if peer_ip is None or not self._is_proxy(peer_ip):
            return peer
        forwarded = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(forwarded):
            ip = _ip_or_none(hop)
            if ip is None:
                return peer  # garbage where the nearest untrusted hop should be: the proxy is the client
            if not self._is_proxy(ip):
                return str(ip)
        return peer


def _ip_or_none(text: str | None):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
