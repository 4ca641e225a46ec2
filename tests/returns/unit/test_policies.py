"""The return rules with fixed times: the 14-day window and the 24-business-hour review clock."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services.returns.domain import policies
from services.returns.domain.files import safe_filename, sniff
from services.returns.domain.policies import ReturnPolicy

ROME = ZoneInfo("Europe/Rome")
POLICY = ReturnPolicy()


def rome(*args) -> datetime:
    return datetime(*args, tzinfo=ROME)


def test_the_window_runs_to_the_end_of_the_14th_calendar_day_in_the_shops_time_zone():
    delivered = rome(2026, 3, 2, 18, 30)  # a Monday evening
    closes = policies.window_closes_at(delivered, POLICY)
    assert closes == rome(2026, 3, 17, 0, 0)  # the 16th is the 14th day after the 2nd
    assert closes.tzinfo == timezone.utc
    assert policies.window_open(closes, closes - timedelta(microseconds=1))
    assert not policies.window_open(closes, closes)


def test_a_delivery_late_in_the_utc_evening_counts_from_its_local_date():
    delivered = datetime(2026, 6, 1, 22, 30, tzinfo=timezone.utc)  # already 2 June in Rome (UTC+2)
    assert policies.window_closes_at(delivered, POLICY) == rome(2026, 6, 17, 0, 0)


def test_the_window_length_is_a_setting():
    assert policies.window_closes_at(rome(2026, 3, 2, 9), ReturnPolicy(window_days=30)) == rome(2026, 4, 2, 0, 0)


@pytest.mark.parametrize("submitted, deadline", [
    (rome(2026, 3, 2, 10, 0), rome(2026, 3, 3, 10, 0)),  # Monday morning: Tuesday morning
    (rome(2026, 3, 6, 18, 0), rome(2026, 3, 9, 18, 0)),  # Friday evening: the weekend stops the clock
    (rome(2026, 3, 6, 23, 59), rome(2026, 3, 9, 23, 59)),
    (rome(2026, 3, 7, 11, 0), rome(2026, 3, 10, 0, 0)),  # Saturday: counting starts Monday at midnight
    (rome(2026, 3, 8, 23, 0), rome(2026, 3, 10, 0, 0)),  # Sunday night alike
    (rome(2026, 3, 2, 0, 0), rome(2026, 3, 3, 0, 0)),  # exactly one business day
])
def test_24_business_hours_skip_weekends(submitted, deadline):
    assert policies.review_deadline(submitted, POLICY) == deadline


def test_holidays_stop_the_clock_too():
    easter_monday = ReturnPolicy(holidays=frozenset({date(2026, 4, 6)}))
    # Friday 3 April 16:00 -> 8 h on Friday, weekend, Easter Monday, 16 h on Tuesday.
    assert policies.review_deadline(rome(2026, 4, 3, 16, 0), easter_monday) == rome(2026, 4, 7, 16, 0)
    assert policies.review_deadline(rome(2026, 4, 3, 16, 0), POLICY) == rome(2026, 4, 6, 16, 0)
    christmas = ReturnPolicy(holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25)}))
    assert policies.review_deadline(rome(2026, 12, 23, 12, 0), christmas) == rome(2026, 12, 28, 12, 0)


def test_the_weekend_of_a_daylight_saving_change_changes_nothing():
    # Rome springs forward on Sunday 29 March 2026, a day the clock does not count anyway.
    assert policies.review_deadline(rome(2026, 3, 27, 12, 0), POLICY) == rome(2026, 3, 30, 12, 0)
    # 12 business hours from Friday noon end exactly at Friday's end, not on Monday.
    assert policies.add_business_hours(rome(2026, 3, 27, 12, 0), 12, POLICY) == rome(2026, 3, 28, 0, 0)


def test_business_hours_are_real_hours_when_a_business_day_changes_its_clock():
    # Israel springs forward on a Friday: that business day has only 23 real hours.
    tel_aviv = ReturnPolicy(timezone="Asia/Jerusalem")
    start = datetime(2026, 3, 27, 0, 0, tzinfo=ZoneInfo("Asia/Jerusalem"))  # Friday 27 March 2026, 23 h long
    end = policies.add_business_hours(start, 24, tel_aviv)
    # 23 real hours on Friday, then 1 on Monday.
    assert end.astimezone(ZoneInfo("Asia/Jerusalem")) == datetime(2026, 3, 30, 1, 0, tzinfo=ZoneInfo("Asia/Jerusalem"))


def test_refund_due_48_hours_after_acceptance():
    accepted = datetime(2026, 3, 6, 17, 0, tzinfo=timezone.utc)
    assert policies.refund_due_at(accepted, POLICY) == accepted + timedelta(hours=48)


def test_convenience_returns_follow_the_customer_profile_setting():
    assert "convenience" in policies.allowed_request_types("private", POLICY)
    assert policies.allowed_request_types("business", POLICY) == ["standard_warranty", "advanced_warranty",
                                                                  "shipping_error"]
    both = ReturnPolicy(convenience_kinds=frozenset({"private", "business"}))
    assert "convenience" in policies.allowed_request_types("business", both)


def test_the_invoice_number_is_the_order_number_or_absent():
    assert policies.invoice_matches(None, "ORD-2026-000123")
    assert policies.invoice_matches("  ", "ORD-2026-000123")
    assert policies.invoice_matches(" ord-2026-000123 ", "ORD-2026-000123")
    assert not policies.invoice_matches("ORD-2026-000124", "ORD-2026-000123")


def test_labels_are_prepaid_except_for_convenience():
    assert [policies.label_prepaid(t) for t in policies.REQUEST_TYPES] == [True, True, False, True]


def test_gross_amount_rounds_net_and_vat_per_line():
    assert policies.gross_amount(Decimal("89.90"), 2, Decimal("22.00")) == Decimal("219.36")
    assert policies.gross_amount(Decimal("0.05"), 1, Decimal("22.00")) == Decimal("0.06")


def test_file_types_come_from_the_bytes():
    assert sniff(b"\xff\xd8\xff\xdb....") == ("image/jpeg", "jpg")
    assert sniff(b"\x89PNG\r\n\x1a\n....") == ("image/png", "png")
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    assert sniff(b"%PDF-1.7\n") == ("application/pdf", "pdf")
    for forged in (b"GIF89a....", b"<svg onload=alert(1)>", b"RIFF\x00\x00\x00\x00WAVE", b"", b"PK\x03\x04"):
        assert sniff(forged) is None


def test_file_names_are_reduced_to_harmless_ones_with_the_real_extension():
    assert safe_filename("../../etc/passwd", "png") == "passwd.png"
    assert safe_filename("C:\\Users\\x\\Scontrino d'acquisto.exe", "pdf") == "Scontrino-d-acquisto.pdf"
    assert safe_filename("фото.jpg", "jpg") == "attachment.jpg"
    assert safe_filename(None, "webp") == "attachment.webp"
    assert safe_filename('a"b\r\nc.png', "png") == "a-b-c.png"
