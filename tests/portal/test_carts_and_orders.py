"""Carts, prices and orders in the browser: several carts and the active one, a price that
changed while in the cart, checkout with cash on delivery, printing, the order's messages,
staff recording the payment; the forgotten-password page."""
import re

import requests
from playwright.sync_api import expect

from tests.portal.conftest import STAFF_EMAIL, STAFF_PASSWORD, sqlite_suite_only
from tests.portal.steps import log_in, main_nav, register, reload_until

pytestmark = sqlite_suite_only


def staff_token(base_url: str) -> dict:
    response = requests.post(f"{base_url}/api/v1/auth/login", json={"identifier": STAFF_EMAIL, "password": STAFF_PASSWORD},
                             timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_carts_switch_a_changed_price_is_refreshed_the_order_is_printed_discussed_and_paid(tabs, shop):
    customer, staff = tabs(), tabs()
    page = register(customer, "elena.russo@example.it", first="Elena", last="Russo")
    page.goto("/#/product/MOKA-03")
    expect(page.get_by_role("heading", name="Moka Sportello 3 tazze", level=1)).to_be_visible()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#flash")).to_contain_text("Moka Sportello 3 tazze added")

    main_nav(page, "Carts").click()
    page.get_by_label("Cart name").fill("Ufficio")
    page.get_by_role("button", name="New cart").click()
    expect(page.get_by_role("heading", name=re.compile("^Ufficio"), level=1)).to_be_visible()
    main_nav(page, "Carts").click()
    first_cart = page.get_by_role("row", name=re.compile("Cart"))
    expect(first_cart.get_by_role("cell", name="Saved for later")).to_be_visible()
    first_cart.get_by_role("button", name="Make active").click()
    expect(page.locator("#flash")).to_contain_text("is now your active cart")
    expect(page.get_by_role("row", name=re.compile("Ufficio")).get_by_role("cell", name="Saved for later")).to_be_visible()

    # The shop changes the price while the moka waits in the cart.
    changed = requests.patch(f"{shop.gateway_url}/api/v1/staff/catalog/products/MOKA-03",
                             json={"price": {"amount": "26.90", "currency": "EUR"}}, headers=staff_token(shop.gateway_url),
                             timeout=10)
    assert changed.status_code == 200, changed.text
    page.get_by_role("row", name=re.compile("Cart")).get_by_role("link").click()
    reload_until(page, page.get_by_text("Some prices changed"))
    expect(page.get_by_text("now €26.90")).to_be_visible()
    page.get_by_role("button", name="Refresh prices").click()
    expect(page.locator("#flash")).to_contain_text("1 price(s) changed")
    expect(page.get_by_text("Some prices changed")).to_have_count(0)
    expect(page.get_by_role("cell", name="€26.90")).to_be_visible()

    page.get_by_role("link", name="Checkout").click()
    for group in ("Shipping address", "Billing address"):
        fields = page.get_by_role("group", name=group)
        if group == "Shipping address":
            fields.get_by_label("Name").fill("Elena Russo")
        fields.get_by_label("Street and number").fill("Corso Italia 10")
        fields.get_by_label("Postal code").fill("50123")
        fields.get_by_label("City").fill("Firenze")
    page.get_by_label("Payment method").select_option("cash_on_delivery")
    page.get_by_role("button", name="Place order").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Order ORD-"), level=1)
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Order ").strip()
    expect(page.get_by_text("Cash on delivery")).to_be_visible()

    # (The trailing null: evaluate() would call a function the expression ends with.)
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; null")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
    page.get_by_label("Your message").fill("Could you deliver after 14:00?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".chat li.customer")).to_contain_text("after 14:00")

    desk = log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    expect(desk.get_by_role("link", name="Could you deliver after 14:00?")).to_be_visible()
    main_nav(desk, "Orders").click()
    desk.get_by_text(f"Manage {number}").click()
    payment = desk.get_by_role("form", name=f"Payment for {number}")
    expect(payment.get_by_label("Amount")).not_to_have_value("")
    payment.get_by_label("Reference").fill("COD-4411")
    payment.get_by_role("button", name="Record payment").click()
    expect(desk.locator("#flash")).to_contain_text(f"Payment recorded for {number}")
    expect(desk.get_by_role("row", name=re.compile(number)).get_by_text("Paid", exact=True)).to_be_visible()
    # Staff find orders by number and by the days they were placed.
    search = desk.get_by_role("search", name="Find orders")
    search.get_by_label("Order number").fill(number)
    search.get_by_role("button", name="Search").click()
    # The page drawn for the search keeps it in its status links (the form before it looks the same).
    expect(desk.get_by_role("navigation", name="Filter").get_by_role("link").first).to_have_attribute(
        "href", re.compile(f"number={number}"))
    expect(desk.get_by_role("row", name=re.compile("ORD-"))).to_have_count(1)
    search = desk.get_by_role("search", name="Find orders")
    expect(search.get_by_label("Order number")).to_have_value(number)
    search.get_by_label("Order number").fill("")
    search.get_by_label("Placed to").fill("2000-01-01")
    search.get_by_role("button", name="Search").click()
    expect(desk.get_by_text("No orders.")).to_be_visible()
    assert "placed_to=2000-01-01" in desk.url and "number=" not in desk.url

    main_nav(page, "Orders").click()
    expect(page.get_by_role("row", name=re.compile(number)).get_by_text("Paid", exact=True)).to_be_visible()
    assert customer.errors == staff.errors == []


def test_the_forgotten_password_page_answers_the_same_whoever_asks(tabs):
    tab = tabs()
    page = tab.open("/login")
    page.get_by_role("link", name="Forgotten password?").click()
    page.get_by_label("E-mail").fill("nobody@example.it")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#flash")).to_contain_text("If an account matches")
    assert tab.errors == []


def test_links_in_the_shop_s_mails_open_the_right_page(tabs, shop):
    tab = tabs()
    page = tab.page
    page.goto("/reset-password?token=from-the-mail")
    expect(page.get_by_role("heading", name="Set a new password", level=1)).to_be_visible()
    expect(page.get_by_label("Code from the message")).to_have_value("from-the-mail")
    assert page.url.endswith("/#/reset?token=from-the-mail")

    # A staff thread link while logged out: log in first, then the thread.
    page.goto("/staff/messages/no-such-thread")
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_label("E-mail or customer number").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/#/staff/thread/no-such-thread$"))
    expect(page.get_by_role("heading", name="Something went wrong", level=1)).to_be_visible()
    # The one console line is the browser logging the API's 404 for the unknown thread.
    assert len(tab.errors) == 1 and "404" in tab.errors[0], tab.errors


def test_an_add_to_cart_whose_answer_is_lost_is_sent_again_with_its_key_and_counts_once(tabs, shop):
    """The shop did the change, but the browser never heard (the connection dropped on the way back):
    the portal sends it again with the same Idempotency-Key, and the cart holds one piece, not two."""
    page = register(tabs(), "marta.conti@example.it", first="Marta", last="Conti")
    keys = []

    def answer_lost_once(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # it reaches the gateway, which adds the piece ...
            route.abort("connectionreset")  # ... and its answer never reaches the browser
        else:
            route.continue_()

    page.route("**/api/v1/cart/items", answer_lost_once)
    page.goto("/#/product/MOKA-06")
    expect(page.get_by_role("heading", name="Moka Sportello 6 tazze", level=1)).to_be_visible()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#flash")).to_contain_text("Moka Sportello 6 tazze added")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys

    token = page.evaluate("sessionStorage.getItem('sportello.token')")
    carts = requests.get(f"{shop.gateway_url}/api/v1/carts", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    [active] = [cart for cart in carts.json()["items"] if cart["status"] == "active"]
    assert [(line["reference"], line["quantity"]) for line in active["lines"]] == [("MOKA-06", 1)]
