"""The gateway serves the portal: content types, revalidation, the page's CSP, nothing outside gateway/portal."""
import requests

from gateway.openapi import build_spec
from gateway.routes.portal import image_hosts, portal_csp
from gateway.service import GatewayService
from tests.portal.conftest import IMAGE_HOST, sqlite_suite_only

pytestmark = sqlite_suite_only


def test_the_portal_page_and_its_modules_are_served_with_types_etags_and_a_self_only_csp(shop):
    base = shop.gateway_url
    page = requests.get(f"{base}/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/portal/app.js"></script>' in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "'unsafe-inline'" not in csp
    assert f"img-src 'self' data: blob: {IMAGE_HOST};" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["Cache-Control"] == "no-cache" and page.headers["X-Content-Type-Options"] == "nosniff"

    again = requests.get(f"{base}/", headers={"If-None-Match": page.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and again.content == b""

    # Browsers that accept gzip get it (requests decodes it); others get the file as it is.
    packed = requests.get(f"{base}/portal/app.js", headers={"Accept-Encoding": "gzip"}, timeout=10)
    plain = requests.get(f"{base}/portal/app.js", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert packed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert packed.text == plain.text and "navigate" in plain.text
    assert int(packed.headers["Content-Length"]) < int(plain.headers["Content-Length"])
    assert packed.headers["Vary"] == "Accept-Encoding" and packed.headers["ETag"] != plain.headers["ETag"]
    revalidated = requests.get(f"{base}/portal/app.js", timeout=10,
                               headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert revalidated.status_code == 304

    for path, content_type in (("/portal/app.js", "text/javascript; charset=utf-8"),
                               ("/portal/views/returns.js", "text/javascript; charset=utf-8"),
                               ("/portal/styles.css", "text/css; charset=utf-8"),
                               ("/portal/i18n/uk.json", "application/json; charset=utf-8"),
                               ("/portal/favicon.svg", "image/svg+xml")):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == content_type, path


def test_the_addresses_in_the_shop_s_mails_serve_the_portal_page(shop):
    base = shop.gateway_url
    for path in ("/reset-password?token=abc", "/activate?token=abc", "/quotes", "/orders/ORD-2026-000001",
                 "/returns/RMA-2026-000001", "/messages/5f0c", "/staff/messages/5f0c"):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 200, path
        assert '<script type="module" src="/portal/app.js"></script>' in response.text, path


def test_nothing_outside_the_portal_folder_is_served(shop):
    base = shop.gateway_url
    for path in ("/portal/../routes/portal.py", "/portal/%2e%2e/service.py", "/portal/nope.js", "/portal/"):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"] == "application/problem+json"


def test_the_portal_is_not_an_api_operation():
    paths = build_spec(GatewayService)["paths"]
    assert "/" not in paths and not any(path.startswith("/portal") for path in paths)


def test_image_hosts_are_plain_origins_from_the_config_or_the_environment(monkeypatch):
    monkeypatch.delenv("PORTAL_IMAGE_HOSTS", raising=False)
    assert image_hosts({}) == ()
    assert "img-src 'self' data: blob:;" in portal_csp(image_hosts({}))
    monkeypatch.setenv("PORTAL_IMAGE_HOSTS", "https://img.shop.it, https://cdn.shop.it:8443 https://x;script-src *")
    assert image_hosts({}) == ("https://img.shop.it", "https://cdn.shop.it:8443")
    assert image_hosts({"PORTAL_IMAGE_HOSTS": ["https://pics.shop.de"]}) == ("https://pics.shop.de",)
