"""Rendering: per language, English as the fallback, links and values inserted as given."""
from datetime import datetime, timedelta, timezone

import pytest

from services.messaging.domain.templates import TEMPLATES, language_of, render

EXPIRES = datetime(2026, 11, 22, 11, 30, tzinfo=timezone(timedelta(hours=2)))  # 09:30 UTC
LINK = "https://shop.example.it/reset-password?token=abc_DEF-123&x=1"


def reset(language):
    return render("password_reset", language, first_name="Marco", reset_url=LINK, expires_at=EXPIRES)


def test_every_template_is_written_in_english_and_italian():
    for name, texts in TEMPLATES.items():
        assert {"en", "it"} <= set(texts), name


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


@pytest.mark.parametrize("requested", ["de", "pl", "uk", "fr", "", None, "IT "])
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
