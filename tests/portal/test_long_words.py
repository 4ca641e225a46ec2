"""A long unbroken word (a cart name, a subject) wraps inside its cell or card: it never pushes the
other columns of a table out of sight, nor the page wider than the screen (issue 19 item 8)."""
import requests
from playwright.sync_api import expect

from tests.portal.conftest import STAFF_EMAIL, STAFF_PASSWORD, sqlite_suite_only
from tests.portal.steps import log_in, main_nav, register

pytestmark = sqlite_suite_only

LONG_WORD = "Ferramenta" * 10  # 100 letters, no space: the longest cart name and subject allowed
TABLET = {"width": 800, "height": 900}

# Every table must fit its wrapper (no hidden columns to scroll to), and the page the viewport.
OVERFLOW = """() => {
  const wide = [...document.querySelectorAll('.table-wrap')]
    .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1).length;
  return {wide, page: document.documentElement.scrollWidth - window.innerWidth};
}"""


def assert_nothing_overflows(page) -> None:
    assert page.evaluate(OVERFLOW) == {"wide": 0, "page": 0}


def test_a_long_unbroken_cart_name_and_subject_wrap_in_the_cart_list_the_thread_and_the_staff_inbox(tabs, shop):
    customer = register(tabs(viewport=TABLET), "lunga.parola@example.it", first="Lunga", last="Parola")
    main_nav(customer, "Carts").click()
    customer.get_by_label("Cart name").fill(LONG_WORD)
    customer.get_by_role("button", name="New cart").click()
    main_nav(customer, "Carts").click()
    expect(customer.get_by_role("cell", name=LONG_WORD)).to_be_visible()
    assert_nothing_overflows(customer)

    token = customer.evaluate("sessionStorage.getItem('sportello.token')")
    opened = requests.post(f"{shop.gateway_url}/api/v1/messages", json={"body": LONG_WORD},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert opened.status_code == 201, opened.text
    main_nav(customer, "Messages").click()
    expect(customer.get_by_role("link", name=LONG_WORD)).to_be_visible()
    assert_nothing_overflows(customer)
    customer.get_by_role("link", name=LONG_WORD).click()
    expect(customer.locator(".chat li.customer")).to_contain_text(LONG_WORD)
    assert_nothing_overflows(customer)

    desk = log_in(tabs(viewport=TABLET), STAFF_EMAIL, STAFF_PASSWORD)
    expect(desk.get_by_role("link", name=LONG_WORD)).to_be_visible()
    assert_nothing_overflows(desk)
    # The other columns stay on screen beside the long subject.
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=LONG_WORD))
    for cell in row.get_by_role("cell").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= TABLET["width"], box
