"""The shop's main story in the browser, customer and staff side by side.

register -> search -> add to cart -> checkout; staff deliver the order; the customer
opens a return with a photo; staff approve it; the customer downloads the label and
confirms the shipment; customer and staff exchange messages. No console errors anywhere.
"""
import re

import requests
from playwright.sync_api import expect

from tests.portal.conftest import STAFF_EMAIL, STAFF_PASSWORD, png, sqlite_suite_only
from tests.portal.steps import assert_accessible, log_in, main_nav, reload_until

pytestmark = sqlite_suite_only

CUSTOMER = {"first": "Giulia", "last": "Bianchi", "email": "giulia.bianchi@example.it", "password": "Portale-di-prova-2026"}


def test_register_buy_deliver_return_with_photo_approve_label_and_messages(tabs, tmp_path):
    customer, staff = tabs(), tabs()

    # -- the customer registers, searches, adds to the cart, checks out --------------------------
    page = customer.open("/catalog")
    page.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", name="Create an account", level=1)).to_be_visible()
    page.get_by_label("First name").fill(CUSTOMER["first"])
    page.get_by_label("Last name").fill(CUSTOMER["last"])
    page.get_by_label("E-mail").fill(CUSTOMER["email"])
    page.get_by_label("Password").fill(CUSTOMER["password"])
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Catalog", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_label("Search by code, name or description").fill("moka sportello")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=moka"))
    first = page.locator(".product-card").first
    expect(first).to_contain_text("Moka Sportello")
    # The picture came from the shop's image host (the page's CSP lets it in).
    expect(first.locator("img.thumb")).to_have_js_property("naturalWidth", 64)
    customer.screenshot("catalog")
    first.get_by_role("heading").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Technical description")).to_be_visible()
    product_name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#flash")).to_contain_text(f"{product_name} added")

    main_nav(page, "Carts").click()
    expect(page.get_by_role("cell", name="Active")).to_be_visible()
    page.locator("table a").first.click()
    expect(page.get_by_role("cell", name=product_name)).to_be_visible()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    shipping = page.get_by_role("group", name="Shipping address")
    shipping.get_by_label("Name").fill("Giulia Bianchi")
    shipping.get_by_label("Street and number").fill("Via Roma 1")
    shipping.get_by_label("Postal code").fill("20121")
    shipping.get_by_label("City").fill("Milano")
    billing = page.get_by_role("group", name="Billing address")
    billing.get_by_label("Street and number").fill("Via Roma 1")
    billing.get_by_label("Postal code").fill("20121")
    billing.get_by_label("City").fill("Milano")
    customer.screenshot("checkout")
    assert_accessible(page)
    page.get_by_role("button", name="Place order").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Order ORD-"), level=1)
    expect(heading).to_be_visible()
    order_number = heading.inner_text().removeprefix("Order ").strip()
    expect(page.locator("#flash")).to_contain_text(f"Order {order_number} placed")

    # -- staff move the order along to delivered ----------------------------------------------
    desk = log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    expect(desk.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    main_nav(desk, "Orders").click()
    for status, extra in (("Processing", {}), ("Shipped", {"Carrier": "BRT", "Tracking number": "BRT-123"}),
                          ("Delivered", {})):
        desk.get_by_text(f"Manage {order_number}").click()
        form = desk.get_by_role("form", name=f"Status of {order_number}")
        form.get_by_label("New status").select_option(label=status)
        for label, value in extra.items():
            form.get_by_label(label).fill(value)
        form.get_by_role("button", name="Change status").click()
        expect(desk.locator("#flash")).to_contain_text(f"{order_number} is now {status}")
        # The list is drawn again with the new status before the next move.
        expect(desk.get_by_role("row", name=re.compile(order_number)).locator(".badge").first).to_have_text(status)

    # -- the customer sees the delivery and opens a return with a photo -------------------------
    main_nav(page, "Returns").click()
    open_return = reload_until(page, page.get_by_role("link", name=f"Return items of {order_number}"))
    open_return.click()
    expect(page.get_by_role("heading", name=f"Return request for {order_number}")).to_be_visible()
    page.get_by_role("button", name="Send the return request").click()
    expect(page.locator(".form-alert").first).to_contain_text("Choose at least one item")
    line = page.get_by_role("group", name=re.compile(re.escape(product_name)))
    line.get_by_label(re.compile("^Return ")).check()
    line.get_by_label("Quantity").fill("1")
    line.get_by_label("Condition").select_option("defective")
    line.get_by_label("Reason").fill("The safety valve leaks steam.")
    page.get_by_label(re.compile(r"^Message")).fill("It stopped working on the second day.")
    address = page.get_by_role("group", name="Pick-up / return address")
    address.get_by_label("Street and number").fill("Via Roma 1")
    address.get_by_label("Postal code").fill("20121")
    address.get_by_label("City").fill("Milano")
    page.get_by_label("Photos or documents").set_input_files(
        [{"name": "valve.png", "mimeType": "image/png", "buffer": png(320, 240, (200, 60, 40))}])
    assert_accessible(page)
    page.get_by_role("button", name="Send the return request").click()
    rma_heading = page.get_by_role("heading", name=re.compile(r"^Return RMA-"), level=1)
    expect(rma_heading).to_be_visible()
    rma_number = rma_heading.inner_text().removeprefix("Return ").strip()
    expect(page.get_by_role("button", name="valve.png")).to_be_visible()
    chat = page.locator("section", has=page.get_by_role("heading", name="Messages about this return"))
    chat.get_by_label("Your message").fill("Is the photo enough for you?")
    chat.get_by_role("button", name="Send").click()
    expect(page.locator(".chat li.customer")).to_contain_text("Is the photo enough for you?")

    # -- staff review the return: they see the photo, answer the message, approve ---------------
    main_nav(desk, "Returns").click()
    desk.get_by_role("link", name=rma_number).click()
    expect(desk.get_by_role("button", name="valve.png")).to_be_visible()
    staff.screenshot("staff-return")
    assert_accessible(desk)
    desk.get_by_label("Decision").select_option("approve")
    desk.get_by_label("Message to the customer").fill("Approved: print the label and send the coffee maker back.")
    desk.get_by_role("button", name="Review").click()
    expect(desk.get_by_text("Approved", exact=True).first).to_be_visible()

    main_nav(desk, "Inbox").click()
    thread = reload_until(desk, desk.get_by_role("link", name="Is the photo enough for you?"))
    staff.screenshot("staff-inbox")
    thread.click()
    desk.get_by_label("Your message").fill("Yes, the photo is clear. Thank you!")
    desk.get_by_role("button", name="Send answer").click()
    expect(desk.locator(".chat li.staff")).to_contain_text("the photo is clear")

    # -- the customer downloads the label, reads the answer, confirms the shipment ---------------
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("button", name="Download the label (PDF)")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the label (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{rma_number}-label.pdf"
    label = tmp_path / "label.pdf"
    download.save_as(label)
    assert label.read_bytes().startswith(b"%PDF")
    expect(page.locator(".chat li.staff")).to_contain_text("the photo is clear")
    customer.screenshot("return")
    assert_accessible(page)
    page.get_by_label("Carrier").fill("Poste")
    page.get_by_label("Tracking number").fill("PI-998877")
    page.get_by_role("button", name="Confirm shipment").click()
    expect(page.locator("#flash")).to_contain_text("Shipment confirmed")
    expect(page.locator(".timeline")).to_contain_text("Shipped back")

    # -- the message desk: the conversation shows with the shop's answer -----------------------
    main_nav(page, "Messages").click()
    page.get_by_role("link", name="Is the photo enough for you?").click()
    expect(page.locator(".chat li.staff")).to_contain_text("the photo is clear")
    # A new conversation from the desk, not about an order.
    customer.open("/messages")
    page.get_by_label("Your message").fill("Do you sell spare gaskets for the moka?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Do you sell spare gaskets for the moka?", level=1)).to_be_visible()

    # -- staff: the goods arrive, the refund is paid, the return is closed; the thread too ------
    staff.open(f"/staff/return/{rma_number}")
    desk.get_by_label("Decision").select_option("accept")
    desk.get_by_role("button", name="Record receipt").click()
    expect(desk.get_by_role("button", name="Refund paid / replacement sent")).to_be_visible()
    desk.get_by_role("button", name="Refund paid / replacement sent").click()
    expect(desk.get_by_role("button", name="Close return")).to_be_visible()
    desk.get_by_role("button", name="Close return").click()
    expect(desk.locator(".timeline")).to_contain_text("Closed")
    main_nav(desk, "Inbox").click()
    reload_until(desk, desk.get_by_role("link", name="Do you sell spare gaskets for the moka?")).click()
    desk.get_by_role("button", name="Assign to me").click()
    expect(desk.get_by_text("Assigned to you")).to_be_visible()
    desk.get_by_role("button", name="Close conversation").click()
    expect(desk.get_by_text("Closed", exact=True).first).to_be_visible()

    customer.open(f"/return/{rma_number}")
    expect(page.locator(".timeline")).to_contain_text("Closed")
    assert customer.errors == [] and staff.errors == [], (customer.errors, staff.errors)


def delivered_order(base_url: str, email: str, password: str, code: str = "MOKA-06") -> str:
    """A customer with a delivered order, made through the API (the first test does it in the browser)."""
    api = requests.Session()
    assert api.post(f"{base_url}/api/v1/accounts", json={"email": email, "password": password, "first_name": "Carlo",
                                                         "last_name": "Fontana", "accept_terms": True},
                    timeout=10).status_code == 201
    token = api.post(f"{base_url}/api/v1/auth/login", json={"identifier": email, "password": password},
                     timeout=10).json()["token"]
    customer = {"Authorization": f"Bearer {token}"}
    cart = api.post(f"{base_url}/api/v1/cart/items", json={"code": code, "quantity": 1}, headers=customer,
                    timeout=10).json()["cart"]
    address = {"street": "Via Dante 5", "postal_code": "40121", "city": "Bologna", "country": "IT"}
    placed = api.post(f"{base_url}/api/v1/carts/{cart['id']}/checkout", headers=customer, timeout=10,
                      json={"shipping_address": {"name": "Carlo Fontana", **address}, "billing": address,
                            "payment_method": "bank_transfer"})
    assert placed.status_code == 201, placed.text
    number = placed.json()["number"]
    staff_login = api.post(f"{base_url}/api/v1/auth/login", json={"identifier": STAFF_EMAIL, "password": STAFF_PASSWORD},
                           timeout=10)
    staff = {"Authorization": f"Bearer {staff_login.json()['token']}"}
    for move in ({"status": "processing"}, {"status": "fulfilled", "carrier": "SDA", "tracking_number": "S-1"},
                 {"status": "delivered"}):
        moved = api.post(f"{base_url}/api/v1/staff/orders/{number}/status", json=move, headers=staff, timeout=10)
        assert moved.status_code == 200, moved.text
    return number


def test_staff_ask_for_details_then_offer_a_discount_that_the_customer_accepts(tabs, shop):
    customer, staff = tabs(), tabs()
    number = delivered_order(shop.gateway_url, "carlo.fontana@example.it", "Portale-di-prova-2026")
    page = log_in(customer, "carlo.fontana@example.it", "Portale-di-prova-2026")
    main_nav(page, "Returns").click()
    reload_until(page, page.get_by_role("link", name=f"Return items of {number}")).click()
    page.get_by_label("Request type").select_option("standard_warranty")
    line = page.get_by_role("group", name=re.compile("Moka Sportello 6 tazze"))
    line.get_by_label(re.compile("^Return ")).check()
    line.get_by_label("Reason").fill("The handle is loose.")
    page.get_by_label(re.compile(r"^Message")).fill("The handle came loose after a week.")
    address = page.get_by_role("group", name="Pick-up / return address")
    address.get_by_label("Street and number").fill("Via Dante 5")
    address.get_by_label("Postal code").fill("40121")
    address.get_by_label("City").fill("Bologna")
    page.get_by_role("button", name="Send the return request").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Return RMA-"), level=1)
    expect(heading).to_be_visible()
    rma_number = heading.inner_text().removeprefix("Return ").strip()

    desk = log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    staff.open(f"/staff/return/{rma_number}")
    desk.get_by_label("Decision").select_option("request_info")
    desk.get_by_label("Message to the customer").fill("Which screw is loose? A photo would help.")
    desk.get_by_role("button", name="Review").click()
    expect(desk.locator(".timeline")).to_contain_text("Details requested")

    customer.open(f"/return/{rma_number}")
    expect(page.get_by_role("heading", name="The shop needs more details")).to_be_visible()
    page.get_by_label("The details asked for").fill("The screw under the handle; it turns freely.")
    page.get_by_role("button", name="Send details").click()
    expect(page.locator(".timeline")).to_contain_text("Submitted")
    expect(page.get_by_role("heading", name="The shop needs more details")).to_have_count(0)

    staff.open(f"/staff/return/{rma_number}")
    desk.get_by_label("Decision").select_option("offer")
    desk.get_by_label("Message to the customer").fill("We offer a discount instead of a return.")
    offer = desk.get_by_role("group", name="Commercial offer (decision: offer)")
    offer.get_by_label("Offer kind").select_option("discount")
    offer.get_by_label("Amount").fill("8.50")
    offer.get_by_label("Offer description").fill("Refunded to your bank account.")
    desk.get_by_role("button", name="Review").click()
    expect(desk.locator(".timeline")).to_contain_text("Offer made")

    customer.open(f"/return/{rma_number}")
    expect(page.get_by_text("Discount €8.50").first).to_be_visible()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_role("button", name="Accept the offer")).to_have_count(0)
    expect(page.locator(".timeline li")).to_have_count(5)
    assert customer.errors == [] and staff.errors == [], (customer.errors, staff.errors)
