"""Headers on every gateway response: no server banner, nosniff, CSP, referrer policy; CORS only when configured."""
import re

import pytest
from werkzeug.wrappers import Response

from gateway.http import API_CSP, HTML_SELF_CSP, Cors, content_disposition, html_response, security_headers
from gateway.openapi import routes_of
from gateway.service import GatewayService
from services.chassis.config import load_settings, nameko_config

ALLOWED = "https://portal.shop.example"


def concrete(url: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[A-Za-z_]+>", "x", url)


def assert_secure(response):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", response.url
    assert "Server" not in headers and "X-Powered-By" not in headers, dict(headers)
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in headers
    assert response.status_code == 204 or headers.get("Content-Type")  # every body says what it is
    assert "no-store" in headers["Cache-Control"]  # answers about someone are never cached on the way


@pytest.fixture
def gateway_only(system, client):
    """The gateway alone: every downstream call fails fast, which is enough to see the headers."""
    system.config["RPC_TIMEOUT"] = 0.5
    system.start("gateway")
    return client


def test_every_route_answers_with_the_security_headers_and_no_server_banner(gateway_only):
    routes = routes_of(GatewayService)
    for route in routes:
        for method in route.method.split(","):
            response = gateway_only.request(method, concrete(route.url), json={})
            assert_secure(response)
            if response.headers["Content-Type"].startswith(("application/json", "application/problem+json")):
                assert response.headers["Content-Security-Policy"] == API_CSP
    for response in (gateway_only.get("/nope"), gateway_only.delete("/health"),
                     gateway_only.post("/api/v1/accounts", data=b"x" * (2 * 1024 * 1024))):
        assert response.status_code in (404, 405, 413)
        assert_secure(response)


def test_an_anonymous_caller_gets_401_before_the_body_is_even_read(gateway_only):
    response = gateway_only.post("/api/v1/carts", data=b"{not json", headers={"Content-Type": "text/plain"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_cors_is_off_unless_origins_are_configured(gateway_only):
    simple = gateway_only.get("/api/v1/catalog/categories", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in simple.headers
    preflight = gateway_only.options("/api/v1/carts", headers={"Origin": ALLOWED,
                                                                "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and "Access-Control-Allow-Origin" not in preflight.headers
    assert preflight.headers["Content-Type"] == "application/problem+json"


def test_cors_answers_configured_origins_only(system, client):
    system.config["CORS_ORIGINS"] = [ALLOWED, "http://localhost:5173"]
    system.config["RPC_TIMEOUT"] = 0.5
    system.start("gateway")
    ask = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization, content-type"}
    preflight = client.options("/api/v1/carts", headers=ask)
    assert preflight.status_code == 204, preflight.text
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    assert "Origin" in preflight.headers["Vary"]
    assert preflight.headers["X-Content-Type-Options"] == "nosniff"

    # Another origin, a method the route does not have, a route that does not exist.
    evil = client.options("/api/v1/carts", headers=dict(ask, Origin="https://evil.example"))
    assert evil.status_code == 403 and "Access-Control-Allow-Origin" not in evil.headers
    assert client.options("/api/v1/carts", headers=dict(ask, **{"Access-Control-Request-Method": "PUT"})
                          ).status_code == 405
    assert client.options("/api/v1/nothing", headers=ask).status_code == 404
    # Prefix tricks and the opaque "null" origin (sandboxed frames, file:) are not allowed origins.
    for origin in (ALLOWED + ".evil.example", ALLOWED.replace("https", "http"), "null"):
        tricky = client.get("/health/live", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in tricky.headers
        assert client.options("/api/v1/carts", headers=dict(ask, Origin=origin)).status_code == 403

    actual = client.get("/health/live", headers={"Origin": ALLOWED})
    assert actual.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "X-Request-ID" in actual.headers["Access-Control-Expose-Headers"]
    unauthenticated = client.get("/api/v1/me", headers={"Origin": ALLOWED})
    assert unauthenticated.status_code == 401 and unauthenticated.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_a_wildcard_or_null_origin_is_never_allowed_even_if_configured():
    cors = Cors(["*", "null", " https://a.example/ ", ""])
    assert cors.origins == {"https://a.example"}
    assert not cors.allows("null") and not cors.allows("https://b.example") and cors.allows("https://a.example")


def test_cors_origins_come_from_the_environment(tmp_path):
    settings = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path),
                              "SPORTELLO_CORS_ORIGINS": " https://a.example/ ,http://localhost:5173,"})
    assert settings.cors_origins == ("https://a.example", "http://localhost:5173")
    assert nameko_config(settings)["CORS_ORIGINS"] == ["https://a.example", "http://localhost:5173"]
    assert load_settings({"SPORTELLO_VAR_DIR": str(tmp_path)}).cors_origins == ()


def test_a_route_that_serves_html_keeps_its_own_csp_and_the_default_fills_the_rest():
    page = html_response("<h1>Portal</h1>")
    headers = dict(security_headers(list(page.headers.items())))
    assert headers["Content-Security-Policy"] == HTML_SELF_CSP
    assert "script-src 'self'" in HTML_SELF_CSP and "'unsafe-inline'" not in HTML_SELF_CSP
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    # A route cannot switch nosniff off or announce the server.
    sneaky = Response("x", headers={"X-Content-Type-Options": "off", "Server": "Werkzeug/3 Python/3.11"})
    headers = security_headers(list(sneaky.headers.items()))
    assert ("X-Content-Type-Options", "nosniff") in headers and not any(k == "Server" for k, _ in headers)
    assert ("Content-Security-Policy", API_CSP) in headers


@pytest.mark.parametrize("name, expected", [
    ("Foto-del-danno.png", 'attachment; filename="Foto-del-danno.png"'),
    ('a"b\r\nSet-Cookie: x=1.pdf', "attachment; filename=\"a_b_Set-Cookie_ x_1.pdf\"; "
                                   "filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1.pdf"),
    ("Zürich ß.pdf", "attachment; filename=\"Z_rich _.pdf\"; filename*=UTF-8''Z%C3%BCrich%20%C3%9F.pdf"),
    ("", 'attachment; filename="download"'),
])
def test_content_disposition_is_safely_encoded(name, expected):
    value = content_disposition(name)
    assert value == expected
    assert "\r" not in value and "\n" not in value and value.count('"') == 2


def test_the_portal_page_keeps_its_own_csp_and_gets_every_other_header(gateway_only):
    page = gateway_only.get("/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert csp != API_CSP and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Server" not in page.headers
