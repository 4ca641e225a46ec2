"""Steps the portal tests share: they act through the page as a person would (labels, roles)."""
from __future__ import annotations

import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

AXE = Axe()


def register(tab, email: str, password: str = "Portale-di-prova-2026", first: str = "Giulia", last: str = "Bianchi",
             business: dict | None = None):
    page = tab.open("/register")
    if business:
        page.get_by_label("Account type").select_option("business")
        company = page.get_by_role("group", name="Company")
        company.get_by_label("Company name").fill(business["name"])
        company.get_by_label("VAT or tax number").fill(business["tax_id"])
        company.get_by_label("Street and number").fill("Via Garibaldi 7")
        company.get_by_label("Postal code").fill("10122")
        company.get_by_label("City").fill("Torino")
        company.get_by_label("Country").fill("IT")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    wait_landed(page)
    return page


def log_in(tab, identifier: str, password: str):
    page = tab.open("/login")
    page.get_by_label("E-mail or customer number").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    wait_landed(page)
    return page


def wait_landed(page) -> None:
    """Signing in navigates on (after loading the language): wait until the page it lands on is drawn,
    or a test's next navigation could be overtaken by it."""
    page.wait_for_function("() => !['#/login', '#/register'].includes(document.body.dataset.route)"
                           " && !document.getElementById('main').hasAttribute('aria-busy')")


def reload_until(page, locator, timeout: float = 20.0):
    """Events travel between services: reload until what they bring shows."""
    deadline = time.monotonic() + timeout
    while not locator.count():
        assert time.monotonic() < deadline, f"{locator} did not show within {timeout}s"
        time.sleep(0.5)
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
    return locator


def main_nav(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def assert_accessible(page) -> None:
    """axe-core's WCAG 2 A/AA rules find nothing on the page as it is now."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                                           "best-practice"]},
                                     "resultTypes": ["violations"]})
    found = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in results.response["violations"]]
    assert found == [], f"{page.url}: {found}"
