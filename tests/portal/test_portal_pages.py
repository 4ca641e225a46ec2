"""The rest of the portal in the browser: languages, phone width, keyboard, errors by field,
services and quotes, profile/billing/privacy/export, company representatives, the staff's logs."""
import email
import email.policy
import json
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.portal.conftest import STAFF_EMAIL, STAFF_PASSWORD, sqlite_suite_only
from tests.portal.steps import assert_accessible, log_in, main_nav, register
from tests.support.fixtures import wait_until

pytestmark = sqlite_suite_only

PHONE = {"width": 390, "height": 844}


def test_the_language_comes_from_the_browser_then_the_choice_then_the_profile(tabs):
    tab = tabs(locale="de-DE")
    page = tab.open("/catalog")
    expect(page.get_by_role("heading", name="Katalog", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_label("Sprache").select_option("uk")
    expect(page.get_by_role("heading", name="Каталог", level=1)).to_be_visible()
    expect(main_nav(page, "Послуги")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Каталог", level=1)).to_be_visible()  # the choice is kept

    # A customer whose profile says Polish sees Polish after logging in, whatever the browser says.
    other = tabs(locale="en-US")
    page = register(other, "anna.nowak@example.pl", first="Anna", last="Nowak")
    main_nav(page, "Profile").click()
    profile = page.locator("section.card", has=page.get_by_role("heading", name="My profile"))
    profile.get_by_label("Language").select_option("pl")
    profile.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Mój profil", level=1)).to_be_visible()
    page.get_by_role("button", name="Wyloguj się").click()
    fresh = tabs(locale="it-IT")
    page = fresh.open("/login")
    expect(page.get_by_role("heading", name="Accedi", level=1)).to_be_visible()
    page.get_by_label("E-mail o codice cliente").fill("anna.nowak@example.pl")
    page.get_by_label("Password").fill("Portale-di-prova-2026")
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Katalog", level=1)).to_be_visible()
    assert tab.errors == other.errors == fresh.errors == []


def test_phone_width_has_no_sideways_scrolling_and_the_keyboard_reaches_everything(tabs):
    tab = tabs(viewport=PHONE, is_mobile=True, has_touch=True)
    page = tab.open("/catalog")
    expect(page.locator(".product-card").first).to_be_visible()
    # Demo pictures on a .example host (never resolvable) get the placeholder, without a request.
    expect(page.locator("img.thumb.missing").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.screenshot("phone-catalog")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    expect(page.get_by_role("heading", name="Catalog", level=1)).to_be_visible()  # still the same page
    assert page.url.endswith("/#/catalog")
    # Log in with the keyboard only: focus the link, Enter, type, Enter submits.
    page.get_by_role("link", name="Log in").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mail or customer number")).to_be_focused()
    page.keyboard.type(STAFF_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    for path in ("/staff", "/staff/orders", "/staff/quotes", "/staff/returns", "/staff/notifications"):
        tab.open(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    # Focus is visible: the focused control gets an outline.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    assert tab.errors == []


def test_the_api_s_field_errors_show_next_to_the_field_at_fault(tabs):
    tab = tabs()
    page = tab.open("/register")
    page.get_by_label("First name").fill("Marco")
    page.get_by_label("Last name").fill("Neri")
    page.get_by_label("E-mail").fill("marco.neri@example.it")
    page.get_by_label("Password").fill("short")
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-field=password] .error")).to_be_visible()
    expect(page.get_by_role("alert").first).to_contain_text("invalid")
    # The one console line is the browser logging the 422 it was sent; no script error.
    assert len(tab.errors) == 1 and "422" in tab.errors[0], tab.errors


def test_the_api_s_problem_comes_in_the_portal_s_language_not_the_browser_s(tabs):
    tab = tabs(locale="en-US")
    page = tab.open("/register")
    page.locator("#lang").select_option("uk")  # the header's choice (the form has a language field too)
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    page.locator("[data-field=first_name] input").fill("Олена")
    page.locator("[data-field=last_name] input").fill("Коваленко")
    page.locator("[data-field=email] input").fill("olena.kovalenko@example.ua")
    page.locator("[data-field=password] input").fill("short")
    page.locator("[data-field=accept_terms] input").check()
    page.locator("main form button[type=submit]").click()
    # Ukrainian although the browser asks for en-US: the portal sent its page's language.
    expect(page.locator("[data-field=password] .error")).to_have_text("Довжина має бути від 12 до 128.")
    expect(page.get_by_role("alert").first).to_contain_text("Деякі поля недійсні.")
    assert len(tab.errors) == 1 and "422" in tab.errors[0], tab.errors


def test_a_service_on_quote_is_requested_priced_by_staff_and_accepted_into_a_cart(tabs):
    customer, staff = tabs(), tabs()
    page = register(customer, "paolo.verdi@example.it", first="Paolo", last="Verdi")
    main_nav(page, "Services").click()
    # A fixed-price service goes to the cart with its filled form.
    fixed = page.locator("section.card", has=page.get_by_role("heading", name="Taratura telescopio"))
    fixed.get_by_role("button", name="Add to cart").click()
    expect(fixed.locator("[data-field='form.model'] .error")).to_be_visible()  # the API's error, by field
    fixed.get_by_label("Modello").fill("Dobson 200/1200")
    fixed.get_by_label("Montatura").select_option("altazimutale")
    fixed.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#flash")).to_contain_text("Taratura telescopio added")
    service = page.locator("section.card", has=page.get_by_role("heading", name="Doradztwo kolorystyczne"))
    service.get_by_label("Liczba pomieszczeń").fill("3")
    service.get_by_role("button", name="Add to quote request").click()
    expect(page.locator("#flash")).to_contain_text("is in your quote request")
    main_nav(page, "Quotes").click()
    expect(page.get_by_role("cell", name="Doradztwo kolorystyczne")).to_be_visible()
    page.get_by_label("Message for the shop").fill("Three rooms, north-facing.")
    page.get_by_role("button", name="Ask for a quote").click()
    expect(page.locator("#flash")).to_contain_text("requested")
    expect(page.get_by_role("cell", name="Requested")).to_be_visible()
    quote_number = page.locator("table").last.locator("tbody tr td").first.inner_text()

    desk = log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    main_nav(desk, "Quotes").click()
    card = desk.locator("section.card", has=desk.get_by_role("heading", name=re.compile(quote_number)))
    card.get_by_label("Unit price of Doradztwo kolorystyczne").fill("120")
    card.get_by_label("Valid until").fill((date.today() + timedelta(days=10)).isoformat())
    card.get_by_label("Note").fill("Includes one visit.")
    card.get_by_role("button", name="Send the quote").click()
    expect(desk.locator("#flash")).to_contain_text(f"Quote {quote_number} priced")

    main_nav(desk, "Notifications").click()
    expect(desk.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(desk.locator("tbody tr").first).to_be_visible()

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("cell", name="Priced")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#flash")).to_contain_text("Quote accepted")
    expect(page.get_by_role("cell", name=re.compile("Doradztwo kolorystyczne"))).to_be_visible()
    expect(page.locator(".totals")).to_contain_text("Total")
    assert staff.errors == []
    # The one console line is the browser logging the 422 for the service form left empty.
    assert len(customer.errors) == 1 and "422" in customer.errors[0], customer.errors


def test_profile_billing_privacy_export_and_company_representatives(tabs, tmp_path):
    tab = tabs()
    page = register(tab, "ufficio@officina.example.it", first="Laura", last="Conti",
                    business={"name": "Officina Conti Srl", "tax_id": "IT01234567890"})
    main_nav(page, "Profile").click()
    expect(page.get_by_text("Business customer")).to_be_visible()
    billing = page.locator("section.card", has=page.get_by_role("heading", name="Billing data"))
    billing.get_by_label("Street and number").fill("Via Garibaldi 7")
    billing.get_by_label("Postal code").fill("10122")
    billing.get_by_label("City").fill("Torino")
    billing.get_by_label("Country").fill("IT")
    billing.get_by_label("Current password").fill("Portale-di-prova-2026")
    billing.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Saved")

    privacy = page.locator("section.card", has=page.get_by_role("heading", name="Privacy"))
    privacy.get_by_label("Send me offers by e-mail").check()
    privacy.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Saved")
    page.reload()  # what the page shows now comes from the API
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("section.card", has=page.get_by_role("heading", name="Billing data"))
           .get_by_label("City")).to_have_value("Torino")
    expect(privacy.get_by_label("Send me offers by e-mail")).to_be_checked()
    with page.expect_download() as download_info:
        privacy.get_by_role("button", name="Download my data (JSON)").click()
    exported = tmp_path / "export.json"
    download_info.value.save_as(exported)
    assert "ufficio@officina.example.it" in json.dumps(json.loads(exported.read_text()))

    page.get_by_role("link", name="Manage company representatives").click()
    expect(page.get_by_role("heading", name="Company representatives", level=1)).to_be_visible()
    page.get_by_label("E-mail").fill("magazzino@officina.example.it")
    page.get_by_label("Role", exact=True).select_option("buyer")
    page.get_by_role("button", name="Invite a representative").click()
    expect(page.locator("#flash")).to_contain_text("Invitation sent")
    expect(page.get_by_role("cell", name="magazzino@officina.example.it")).to_be_visible()
    assert tab.errors == []


def test_an_invited_representative_activates_from_the_mail_link_and_logs_in(tabs, shop):
    admin = tabs()
    page = register(admin, "direzione@ferramenta.example.it", first="Marta", last="Riva",
                    business={"name": "Ferramenta Riva Snc", "tax_id": "IT09876543210"})
    page = admin.open("/company")
    page.get_by_label("E-mail").fill("banco@ferramenta.example.it")
    page.get_by_role("button", name="Invite a representative").click()
    expect(page.locator("#flash")).to_contain_text("Invitation sent")

    mail_dir = Path(shop.config["MAIL"]["file_dir"])

    def activation_link():
        for path in mail_dir.glob("*.eml"):
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if mail["To"] == "banco@ferramenta.example.it":
                text = mail.get_body(preferencelist=("plain",)).get_content()
                found = re.search(r"https?://\S+(/activate\?token=\S+)", text)
                if found:
                    return found.group(1)
        return None

    link = wait_until(activation_link, timeout=20)
    representative = tabs()
    page = representative.page
    page.goto(link)  # the mail's link, on this test's gateway
    expect(page.get_by_role("heading", name="Activate your access", level=1)).to_be_visible()
    expect(page.get_by_label("Code from the message")).not_to_have_value("")
    page.get_by_label("First name").fill("Luca")
    page.get_by_label("Last name").fill("Banchi")
    page.get_by_label("New password").fill("Banco-Ferramenta-2026")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_label("E-mail or customer number").fill("banco@ferramenta.example.it")
    page.get_by_label("Password").fill("Banco-Ferramenta-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Luca Banchi")).to_be_visible()
    assert admin.errors == representative.errors == []


def test_every_main_page_passes_axe_s_wcag_rules(tabs):
    visitor = tabs()
    for path in ("/catalog", "/product/MOKA-03", "/services", "/login", "/register", "/forgot"):
        page = visitor.open(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    customer = tabs()
    page = register(customer, "sara.gallo@example.it", first="Sara", last="Gallo")
    for path in ("/carts", "/quotes", "/orders", "/returns", "/messages", "/profile"):
        page = customer.open(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    staff = tabs()
    log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    for path in ("/staff", "/staff/orders", "/staff/quotes", "/staff/returns", "/staff/notifications"):
        page = staff.open(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    assert visitor.errors == customer.errors == staff.errors == []
