"""The portal in a real browser: Debian's chromium driven by Playwright, the whole shop behind it.

One shop per module (services, gateway, databases, vhost) keeps the browser suite
fast; tests in a module build on each other's data only where they say so.
Playwright's sync API runs in this eventlet-patched process: its waits yield to
the hub, so the in-process services answer the browser meanwhile.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from services.accounts.cli import ensure_staff
from services.chassis.config import SERVICES, load_settings, nameko_config
from tests.catalog.harness import CatalogDb
from tests.support.broker import Vhost
from tests.support.databases import USE_POSTGRESQL, TestDatabases
from tests.support.fixtures import System
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SPORTELLO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "docs" / "screenshots"
# The shop's picture host in these tests (the browser is answered by the test, nothing leaves);
# the demo catalog's pictures are on a .example host, which the portal never asks.
IMAGE_HOST = "https://img.sportello-shop.eu"
PRODUCTS = [("MOKA-03", "Moka Sportello 3 tazze", "24.90"), ("MOKA-06", "Moka Sportello 6 tazze", "32.50"),
            ("MOKA-IND", "Moka Sportello a induzione", "44.00"), ("MOKA-GR", "Macinacaffè Sportello", "59.00")]
STAFF_EMAIL, STAFF_PASSWORD = "desk@portal.example", "staff-Password-2026!"
DESKTOP = {"width": 1280, "height": 800}

# The browser suite checks the portal, not the database: it runs once, in the SQLite suite
# (CI runs the PostgreSQL suite beside it, and two browsers would only slow both).
sqlite_suite_only = pytest.mark.skipif(USE_POSTGRESQL, reason="the browser suite runs in the SQLite suite")


def png(width: int = 64, height: int = 48, rgb=(0x3B, 0x82, 0xC4)) -> bytes:
    """A small solid PNG: the stand-in for the catalog's pictures and the customer's photo."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed by deploy/local/ensure-chromium.sh when absent (never a browser download)."""
    if not os.access(CHROMIUM, os.X_OK):
        subprocess.run([str(ROOT / "deploy" / "local" / "ensure-chromium.sh")], check=True)
    assert shutil.which(CHROMIUM) or os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing"
    return CHROMIUM


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """Every service and the gateway, with the demo catalog and one staff account."""
    from services.catalog.demo_data import load_demo_catalog

    tmp_path = tmp_path_factory.mktemp("portal")
    vhost = Vhost().create()
    databases = TestDatabases(tmp_path)
    config = nameko_config(load_settings({"SPORTELLO_VAR_DIR": str(tmp_path / "var")}))
    config["AMQP_URI"] = vhost.amqp_uri
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{free_port()}"
    config["DATABASE_URLS"] = {name: databases.url(name) for name in SERVICES}
    config["RPC_TIMEOUT"] = 10
    config["OUTBOX_RELAY"] = {"enabled": True, "poll_interval": 0.2, "batch_size": 100, "lease_seconds": 30}
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns")}
    config["PORTAL_IMAGE_HOSTS"] = [IMAGE_HOST]
    system = System(config, vhost)
    try:
        catalog = CatalogDb(config["DATABASE_URLS"]["catalog"])  # migrates the catalog database
        load_demo_catalog(config["DATABASE_URLS"]["catalog"])
        for code, name, price in PRODUCTS:
            catalog.add_product(code=code, name=name, price={"amount": price, "currency": "EUR"},
                                technical_description="Alluminio, manico ergonomico, valvola di sicurezza.",
                                producer="Officina Sportello", stock_status="in_stock",
                                thumbnail_url=f"{IMAGE_HOST}/{code}/thumb.png",
                                image_urls=[f"{IMAGE_HOST}/{code}/1.png", f"{IMAGE_HOST}/{code}/2.png"])
        catalog.dispose()
        ensure_staff(STAFF_EMAIL, STAFF_PASSWORD, "staff_admin", database_url=config["DATABASE_URLS"]["accounts"])
        system.start(*SERVICES, "gateway")
        yield system
    finally:
        system.stop()
        databases.drop_all()
        vhost.delete()


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the session (a node process that ends with this one).

    Not ``stop()`` at the end: under eventlet it waits forever for the driver's exit,
    and starting a second driver in this thread is refused while the first lives.
    """
    from playwright.sync_api import expect, sync_playwright

    # CI runs the PostgreSQL suite beside this one on two cores: give the page time.
    expect.set_options(timeout=15_000)
    yield sync_playwright().start()
    asyncio.events._set_running_loop(None)


@pytest.fixture(scope="module")
def browser(chromium, playwright):
    asyncio.events._set_running_loop(playwright._loop)  # as Playwright left it after its last call
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    # Between its calls Playwright marks its event loop as running in this thread: unmark it,
    # so the test modules after this one find no running loop (asyncio.run would refuse).
    asyncio.events._set_running_loop(None)


class Tab:
    """A browser context (own sessionStorage: one person) with its page, console errors collected."""

    def __init__(self, browser, base_url: str, **options):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, accept_downloads=True, **options)
        self.context.set_default_timeout(15_000)
        # The catalog's pictures live on the shop's image host; the test serves one picture for all.
        self.context.route(f"{IMAGE_HOST}/**", self._picture)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    @staticmethod
    def _picture(route) -> None:
        shade = zlib.crc32(route.request.url.encode())
        colour = (0x30 + shade % 0x60, 0x60 + (shade >> 8) % 0x60, 0x90 + (shade >> 16) % 0x60)
        route.fulfill(status=200, content_type="image/png", body=png(rgb=colour))

    def open(self, hash_path: str = "/"):
        """Go to a route of the app and wait until it is rendered (not the page before it)."""
        if self.page.url.endswith(f"/#{hash_path}"):
            self.page.reload()  # the same address: no hashchange, so load it again
        else:
            self.page.goto(f"/#{hash_path}")
        self.page.wait_for_function("expected => document.body.dataset.route === expected", arg=f"#{hash_path}")
        return self.page

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("window.scrollTo(0, 0); document.getElementById('flash').hidden = true; null")
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tabs(browser, shop):
    opened: list[Tab] = []

    def open_tab(**options) -> Tab:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-US")
        tab = Tab(browser, shop.gateway_url, **options)
        opened.append(tab)
        return tab

    yield open_tab
    for tab in opened:
        tab.close()
