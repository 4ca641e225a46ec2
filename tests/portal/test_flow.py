"""The shop's main story in the browser, customer and staff side by side.

register -> search -> add to cart -> checkout; staff deliver the order; the customer
opens a return with a photo; staff approve it; the customer downloads the label and
confirms the shipment; customer and staff exchange messages. No console errors anywhere.
"""
import re

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
