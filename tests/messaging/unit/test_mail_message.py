"""The e-mail a notification becomes: UTF-8, a stable Message-ID, the headers a mail needs."""
import email
import email.policy
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from services.messaging.adapters.mail import build_email
from services.messaging.domain.model import Notification
from services.messaging.domain.templates import Rendered, render

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def notification():
    return Notification(kind="welcome", channel="email", recipient="olena@example.it",
                        message=Rendered("Ласкаво просимо – Benvenuta, Olena", "Ciao Olena – привіт!\n", "it"),
                        source_event_id="e-1", created_at=NOW, customer_id="c-1")


def test_the_message_round_trips_through_bytes_in_utf8():
    sent = notification()
    parsed = email.message_from_bytes(bytes(build_email(sent, "Sportello <no-reply@shop.example.it>")),
                                      policy=email.policy.default)
    assert parsed["Subject"] == "Ласкаво просимо – Benvenuta, Olena"
    assert parsed["To"] == "olena@example.it"
    assert parsed["From"] == "Sportello <no-reply@shop.example.it>"
    assert parsed.get_content_type() == "multipart/alternative"
    plain, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert plain.get_content() == "Ciao Olena – привіт!\n"
    assert "Ciao Olena – привіт!" in html.get_content() and '<html lang="it">' in html.get_content()
    assert parsed["Content-Language"] == "it"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(parsed["Date"]).tzinfo is not None


def test_the_message_id_is_the_notifications_so_a_resend_is_the_same_message():
    sent = notification()
    first = build_email(sent, "Sportello <no-reply@shop.example.it>")
    again = build_email(sent, "Sportello <no-reply@shop.example.it>")
    assert first["Message-ID"] == again["Message-ID"] == f"<{sent.id}@shop.example.it>"


def test_what_a_customer_typed_is_escaped_in_the_html_part_and_plain_in_the_text_part():
    name = '<script>alert("x")</script> & Co'
    link = "https://shop.example.it/reset-password?token=abc&x=1"
    sent = Notification(kind="password_reset", channel="email", recipient="olena@example.it",
                        message=render("password_reset", "uk", first_name=name, reset_url=link, expires_at=NOW),
                        source_event_id="e-2", created_at=NOW, customer_id="c-1")
    parsed = email.message_from_bytes(bytes(build_email(sent, "Sportello <no-reply@shop.example.it>")),
                                      policy=email.policy.default)
    text, html = parsed.get_body(("plain",)).get_content(), parsed.get_body(("html",)).get_content()
    assert text.startswith(f"Вітаємо, {name}!")
    assert "<script>" not in html
    assert "Вітаємо, &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co!" in html
    assert '<a href="https://shop.example.it/reset-password?token=abc&amp;x=1"' in html


def test_an_erased_notification_sends_no_personal_data_in_either_part():
    sent = notification()
    sent.erase()
    message = build_email(sent, "Sportello <no-reply@shop.example.it>")
    assert "Olena" not in message.get_body(("plain",)).get_content()
    assert "Olena" not in message.get_body(("html",)).get_content()
