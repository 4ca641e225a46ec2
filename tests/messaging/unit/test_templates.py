"""Rendering: per language, English as the fallback, links and values inserted as given."""
from datetime import datetime, timedelta, timezone

import pytest

from decimal import Decimal

from services.messaging.domain.templates import (LANGUAGES, TEMPLATES, Amount, Label, Lines, language_of,
                                                 render, render_html)

EXPIRES = datetime(2026, 11, 22, 11, 30, tzinfo=timezone(timedelta(hours=2)))  # 09:30 UTC
LINK = "https://shop.example.it/reset-password?token=abc_DEF-123&x=1"


def reset(language):
    return render("password_reset", language, first_name="Marco", reset_url=LINK, expires_at=EXPIRES)


def test_every_template_is_written_in_every_language():
    assert len(TEMPLATES) == 25
    for name, texts in TEMPLATES.items():
        assert set(texts) == set(LANGUAGES), name


def test_english_and_italian_are_different_texts_with_the_same_facts():
    english, italian = reset("en"), reset("it")
    assert (english.language, italian.language) == ("en", "it")
    assert english.subject == "Reset your Sportello password"
    assert italian.subject == "Reimposta la password di Sportello"
    assert english.body.startswith("Hello Marco,") and italian.body.startswith("Ciao Marco,")
    for rendered in (english, italian):
        assert LINK in rendered.body.splitlines()  # on a line of its own, unchanged
    assert "2026-11-22 09:30 UTC" in english.body
    assert "22/11/2026 alle 09:30 (UTC)" in italian.body


@pytest.mark.parametrize("requested", ["fr", "pt-BR", "", None, "IT "])
def test_languages_without_texts_fall_back_to_english(requested):
    rendered = reset(requested)
    expected = "it" if requested == "IT " else "en"  # codes are compared without case or space
    assert rendered.language == expected == language_of(requested)
    assert rendered.subject == reset(expected).subject


def test_values_are_inserted_never_interpreted_and_stay_on_one_line():
    rendered = render("employee_invitation", "en", company_name="Evil {role}\r\nBcc: x@evil.example",
                      invited_by="{first_name}", role="buyer", activation_url=LINK, expires_at=EXPIRES)
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert rendered.subject == "Invitation to represent Evil {role} Bcc: x@evil.example on Sportello"
    assert "{first_name} invited you" in rendered.body


def test_the_business_welcome_says_the_registrant_administers_the_company():
    values = dict(first_name="Paola", customer_number="CUS-000007")
    assert "administrator" in render("welcome_business", "en", **values).body
    assert "administrator" not in render("welcome", "en", **values).body
    assert "CUS-000007" in render("welcome", "it", **values).body


def test_an_sms_is_one_short_line_that_starts_with_the_link():
    rendered = render("password_reset_sms", "it", first_name="Marco", reset_url=LINK, expires_at=EXPIRES)
    assert "\n" not in rendered.body
    assert rendered.body.index(LINK) < 60
    assert len(rendered.body) < 300


# Every template's values, and the facts (numbers, links) its text must show whatever the language.
URL = "https://shop.example.it/area/x?a=1&b=2"
DAY = datetime(2026, 12, 31).date()
ITEMS = Lines("order_line", ({"quantity": 3, "name": "Drill", "reference": "DRILL-18V",
                              "unit_price": Amount(Decimal("1234.5"), "EUR")},))
RMA_ITEMS = Lines("rma_line", ({"quantity": 2, "name": "Saw", "reference": "SAW-1"},))
QUOTE_ITEMS = Lines("quote_line", ({"quantity": 7, "name": "Ladder"},))
MONEY = Amount(Decimal("219.36"), "EUR")
NOTE = Label("rma_note", "given", "Photo 42 needed")
CASES = {
    "welcome": ({"first_name": "Marco", "customer_number": "CUS-000101"}, ["Marco", "CUS-000101"]),
    "welcome_business": ({"first_name": "Marco", "customer_number": "CUS-000101"}, ["Marco", "CUS-000101"]),
    "password_reset": ({"first_name": "Marco", "reset_url": URL, "expires_at": EXPIRES}, ["Marco", URL, "09:30"]),
    "password_reset_sms": ({"reset_url": URL, "expires_at": EXPIRES}, [URL, "09:30"]),
    "employee_invitation": ({"company_name": "Rossi Srl", "invited_by": "Anna Rossi", "role": "buyer",
                             "activation_url": URL, "expires_at": EXPIRES}, ["Rossi Srl", "Anna Rossi", URL]),
    "order_confirmation": ({"order_number": "ORD-77", "lines": ITEMS, "total": MONEY,
                            "payment_method": Label("payment_method", "bank_transfer"), "order_url": URL},
                           ["ORD-77", "3 x Drill (DRILL-18V)", "234", "219", URL]),
    "order_shipped": ({"order_number": "ORD-77", "carrier": "BRT", "tracking_number": "TRK-998", "order_url": URL},
                      ["ORD-77", "BRT", "TRK-998", URL]),
    "order_delivered": ({"order_number": "ORD-77", "order_url": URL}, ["ORD-77", "14", URL]),
    "order_cancelled": ({"order_number": "ORD-77", "order_url": URL}, ["ORD-77", URL]),
    "order_paid": ({"order_number": "ORD-77", "amount": MONEY, "order_url": URL}, ["ORD-77", "219", URL]),
    "quote_requested": ({"quote_number": "Q-12", "lines": QUOTE_ITEMS, "quotes_url": URL}, ["Q-12", "7 x Ladder", URL]),
    "quote_ready": ({"quote_number": "Q-12", "total": MONEY, "valid_until": DAY, "quotes_url": URL},
                    ["Q-12", "219", "31", URL]),
    "desk_reply_waiting": ({"about": Label("about", "order", "ORD-77"), "thread_url": URL}, ["ORD-77", URL]),
    "desk_customer_wrote": ({"context": Label("context", "rma", "RMA-5"), "due": EXPIRES, "thread_url": URL},
                            ["RMA-5", "09:30", URL]),
    "desk_customer_wrote_again": ({"context": Label("context", "order", "ORD-77"), "thread_url": URL},
                                  ["ORD-77", URL]),
    "rma_created": ({"rma_number": "RMA-5", "order_number": "ORD-77", "lines": RMA_ITEMS, "review_deadline": DAY,
                     "rma_url": URL}, ["RMA-5", "ORD-77", "SAW-1", "31", URL]),
    "rma_approved": ({"rma_number": "RMA-5", "note": NOTE, "shipping": Label("rma_shipping", "prepaid"),
                      "rma_url": URL}, ["RMA-5", "Photo 42 needed", URL]),
    "rma_info_requested": ({"rma_number": "RMA-5", "note": NOTE, "rma_url": URL}, ["RMA-5", "Photo 42", URL]),
    "rma_rejected": ({"rma_number": "RMA-5", "note": NOTE, "rma_url": URL}, ["RMA-5", "Photo 42", URL]),
    "rma_offered": ({"rma_number": "RMA-5", "offer_kind": Label("rma_offer_kind", "voucher"), "amount": MONEY,
                     "description": Label("rma_offer_description", "given", "spring"), "note": NOTE,
                     "rma_url": URL}, ["RMA-5", "219", "(spring)", URL]),
    "rma_accepted": ({"rma_number": "RMA-5", "note": NOTE, "rma_url": URL}, ["RMA-5", "Photo 42", URL]),
    "rma_refused": ({"rma_number": "RMA-5", "note": NOTE, "rma_url": URL}, ["RMA-5", "Photo 42", URL]),
    "rma_refund": ({"rma_number": "RMA-5", "amount": MONEY, "due_at": EXPIRES, "rma_url": URL},
                   ["RMA-5", "219", "09:30", URL]),
    "rma_replacement": ({"rma_number": "RMA-5", "lines": RMA_ITEMS, "rma_url": URL}, ["RMA-5", "SAW-1", URL]),
    "rma_closed": ({"rma_number": "RMA-5", "outcome": Label("rma_outcome", "resolved"), "rma_url": URL},
                   ["RMA-5", URL]),
}


def test_the_cases_cover_every_template():
    assert set(CASES) == set(TEMPLATES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(CASES))
def test_every_template_renders_in_every_language_with_its_facts(template, language):
    values, facts = CASES[template]
    rendered = render(template, language, **values)
    assert rendered.language == language
    assert rendered.subject and "\n" not in rendered.subject and "{" not in rendered.subject
    assert "{" not in rendered.body and "}" not in rendered.body
    for fact in facts:
        assert fact in rendered.body, fact
    if language != "en":
        assert rendered.body != render(template, "en", **values).body
    html = render_html(rendered.subject, rendered.body, language)
    assert (f'<a href="{URL.replace("&", "&amp;")}"' in html) == (URL in facts)


def test_a_missing_value_is_an_error_not_a_blank():
    from jinja2 import UndefinedError
    with pytest.raises(UndefinedError):
        render("welcome", "de", first_name="Marco")


def test_numbers_and_dates_in_the_languages_way():
    assert "10.12.2026" in render("quote_ready", "de", quote_number="Q", total=Amount(Decimal("1234.5"), "EUR"),
                                  valid_until=datetime(2026, 12, 10).date(), quotes_url=URL).body
    assert "1 234,50 EUR" in render("order_paid", "pl", order_number="O", amount=Amount(Decimal("1234.5"), "EUR"),
                                    order_url=URL).body
    assert "1.234,50 EUR" in render("order_paid", "de", order_number="O", amount=Amount(Decimal("1234.5"), "EUR"),
                                    order_url=URL).body
