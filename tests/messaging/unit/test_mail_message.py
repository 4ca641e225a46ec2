"""The e-mail a notification becomes: UTF-8, a stable Message-ID, the headers a mail needs."""
import email
import email.policy
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from services.messaging.adapters.mail import build_email
from services.messaging.domain.model import Notification
from services.messaging.domain.templates import Rendered

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
    assert parsed.get_content_charset() == "utf-8"
    assert parsed.get_content() == "Ciao Olena – привіт!\n"
    assert parsed["Content-Language"] == "it"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(parsed["Date"]).tzinfo is not None


def test_the_message_id_is_the_notifications_so_a_resend_is_the_same_message():
    sent = notification()
    first = build_email(sent, "Sportello <no-reply@shop.example.it>")
    again = build_email(sent, "Sportello <no-reply@shop.example.it>")
    assert first["Message-ID"] == again["Message-ID"] == f"<{sent.id}@shop.example.it>"
