"""The notification's rules with a fixed clock: one per event, back-off, give up, forget, erase."""
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.outbox import MAX_BACKOFF_SECONDS, backoff_seconds
from services.messaging.domain.model import (
    CANCELLED, FAILED, LINK_MARKER, MAX_REFUSALS, PENDING, REMOVED_LINK_BODY, SENT, LinkWithdrawn, Notification,
)
from tests.messaging import events

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def reset(**fields):
    payload = events.password_reset_requested(**fields)
    return Notification.password_reset(events.loaded("password_reset_requested", payload), NOW), payload


def welcome(**fields):
    payload = events.customer_registered(**fields)
    return Notification.welcome(events.loaded("customer_registered", payload), NOW)


def test_a_welcome_is_a_pending_email_to_the_customer_in_their_language():
    notification = welcome(language="it", email="giulia@example.it")
    assert (notification.kind, notification.channel, notification.recipient) == ("welcome", "email", "giulia@example.it")
    assert (notification.status, notification.attempts, notification.next_attempt_at) == (PENDING, 0, NOW)
    assert notification.language == "it" and notification.subject == "Benvenuto su Sportello"
    assert notification.customer_id and notification.source_event_id


def test_a_welcome_without_a_language_is_english():
    payload = events.customer_registered()
    del payload["language"]
    notification = Notification.welcome(events.loaded("customer_registered", payload), NOW)
    assert notification.language == "en" and notification.subject == "Welcome to Sportello"


LINK = "https://shop.example.it/reset-password?token=fresh-secret"


def test_a_password_reset_goes_by_email_or_by_sms_as_requested():
    by_mail, payload = reset(channel="email")
    assert (by_mail.channel, by_mail.recipient) == ("email", payload["email"])
    assert by_mail.link_id == payload["link_id"] and LINK_MARKER in by_mail.body
    by_sms, payload = reset(channel="sms", phone="+393401234567")
    assert (by_sms.channel, by_sms.recipient) == ("sms", "+393401234567")
    assert by_sms.link_id == payload["link_id"] and LINK_MARKER in by_sms.body


def test_the_link_is_asked_for_when_the_message_goes_out_and_put_in_the_message_only():
    notification, payload = reset(language="it")
    asked = []

    def issue(kind, link_id):
        asked.append((kind, link_id))
        return f"{LINK}-{len(asked)}"

    first, second = notification.outgoing(issue), notification.outgoing(issue)
    assert asked == [("reset", payload["link_id"])] * 2  # each try asks again
    assert f"{LINK}-1" in first.body and f"{LINK}-2" in second.body and LINK_MARKER not in first.body
    assert (first.id, first.recipient, first.subject, first.language) == (
        notification.id, notification.recipient, notification.subject, "it")
    assert LINK not in notification.body and LINK_MARKER in notification.body  # the stored copy stays redacted


def test_a_welcome_asks_for_no_link():
    notification = welcome()
    assert notification.link_id is None
    assert notification.outgoing(None).body == notification.body


def test_a_withdrawn_link_cancels_the_notification():
    notification, _ = reset()

    def withdrawn(kind, link_id):
        raise LinkWithdrawn("used")

    with pytest.raises(LinkWithdrawn):
        notification.outgoing(withdrawn)
    notification.link_withdrawn(NOW)
    assert (notification.status, notification.attempts) == (CANCELLED, 1)
    assert "link" in notification.last_error and notification.locked_until is None


def test_an_sms_reset_without_a_phone_goes_to_the_email_address_rather_than_nowhere():
    notification, payload = reset(channel="sms", phone=None)
    assert (notification.channel, notification.recipient) == ("email", payload["email"])


def test_an_invitation_carries_the_activation_link_and_the_invitee_customer_id():
    payload = events.employee_invited(language="en")
    notification = Notification.employee_invitation(events.loaded("employee_invited", payload), NOW)
    assert notification.customer_id == payload["customer_id"]
    assert notification.recipient == payload["email"]
    assert notification.link_id == payload["link_id"] and LINK_MARKER in notification.body
    link = "https://shop.example.it/activate?token=fresh"
    assert link in notification.outgoing(lambda kind, link_id: kind == "activation" and link).body
    assert "Paola Rossi invited you to represent Rossi Utensili S.r.l." in notification.body


def test_a_failed_try_counts_and_backs_off_from_the_clock():
    notification = welcome()
    notification.delivery_failed("SMTPServerDisconnected: gone", NOW, backoff=lambda attempts: 30.0 * attempts)
    assert (notification.status, notification.attempts) == (PENDING, 1)
    assert notification.next_attempt_at == NOW + timedelta(seconds=30)
    assert notification.last_error == "SMTPServerDisconnected: gone"
    later = NOW + timedelta(minutes=5)
    notification.delivery_failed("again", later, backoff=lambda attempts: 30.0 * attempts)
    assert notification.attempts == 2 and notification.next_attempt_at == later + timedelta(seconds=60)


def test_the_chassis_backoff_keeps_retries_within_its_cap():
    notification = welcome()
    for _ in range(MAX_REFUSALS - 1):
        notification.delivery_failed("down", NOW, backoff=backoff_seconds)
        assert NOW < notification.next_attempt_at <= NOW + timedelta(seconds=MAX_BACKOFF_SECONDS * 1.2)


def test_after_the_last_refusal_the_notification_is_failed_with_its_redacted_text():
    notification, payload = reset()
    for attempt in range(1, MAX_REFUSALS):
        notification.delivery_failed(f"refused #{attempt}", NOW, backoff=lambda a: 1.0)
        assert notification.status == PENDING
    notification.delivery_failed("refused #10", NOW, backoff=lambda a: 1.0)
    assert (notification.status, notification.attempts, notification.refusals) == (FAILED, MAX_REFUSALS, MAX_REFUSALS)
    assert notification.last_error == "refused #10"
    assert LINK_MARKER in notification.body


def test_a_channel_that_is_down_never_fails_the_notification_and_keeps_backing_off_within_the_cap():
    notification = welcome()
    now = NOW
    for _ in range(10 * MAX_REFUSALS):  # far longer than any refusal budget: about two hours of outage
        notification.delivery_failed("ConnectionRefusedError", now, backoff=backoff_seconds, channel_down=True)
        assert notification.status == PENDING
        assert now < notification.next_attempt_at <= now + timedelta(seconds=MAX_BACKOFF_SECONDS * 1.2)
        now = notification.next_attempt_at
    assert (notification.attempts, notification.refusals) == (10 * MAX_REFUSALS, 0)


def test_only_refusals_of_the_message_count_toward_failing_it():
    notification = welcome()
    for _ in range(MAX_REFUSALS - 1):
        notification.delivery_failed("550 refused", NOW, backoff=lambda a: 1.0)
        notification.delivery_failed("connection refused", NOW, backoff=lambda a: 1.0, channel_down=True)
    assert (notification.status, notification.refusals, notification.attempts) == (
        PENDING, MAX_REFUSALS - 1, 2 * (MAX_REFUSALS - 1))
    notification.delivery_failed("550 refused", NOW, backoff=lambda a: 1.0)
    assert notification.status == FAILED


def test_sent_counts_the_try_and_keeps_the_text_with_its_link_removed():
    kept = welcome()
    kept.delivered(NOW)
    assert (kept.status, kept.attempts, kept.sent_at, kept.locked_until) == (SENT, 1, NOW, None)
    assert "Giulia" in kept.body
    secret, payload = reset()
    secret.delivered(NOW)
    assert LINK_MARKER in secret.body and "Marco" in secret.body  # what was sent stays visible, the link never was
    legacy, _ = reset()  # a row queued by a v1 event holds the link itself
    legacy.link_id, legacy.body = None, "Reset: https://shop.example.it/reset-password?token=old-secret"
    legacy.delivered(NOW)
    assert legacy.body == REMOVED_LINK_BODY


@pytest.mark.parametrize("status", [PENDING, SENT, FAILED])
def test_erasure_removes_the_personal_data_and_keeps_the_row(status):
    notification = welcome()
    notification.status = status
    notification.last_error = "550 <giulia@example.it> unknown"
    notification.erase()
    assert (notification.recipient, notification.subject, notification.body, notification.last_error) == ("", "", "", None)
    assert notification.status == (CANCELLED if status == PENDING else status)
    assert notification.kind == "welcome" and notification.customer_id


def test_a_try_that_ends_after_the_erasure_records_nothing_personal():
    failed = welcome()
    failed.erase()
    failed.delivery_failed("550 <giulia@example.it> unknown", NOW, backoff=lambda a: 1.0)
    assert (failed.status, failed.last_error, failed.attempts) == (CANCELLED, None, 0)
    sent = welcome()
    sent.erase()
    sent.delivered(NOW)  # it did go out: that is recorded, nothing else
    assert (sent.status, sent.recipient, sent.body) == (SENT, "", "")
