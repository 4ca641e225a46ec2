"""The shop's return rules as pure functions: the window, the review clock, who may return what.

Nothing here reads the real clock or the settings: callers pass ``now`` and a
:class:`ReturnPolicy` (built once from the container config in dependencies.py),
so every rule is tested with fixed times.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

REQUEST_TYPES = ("standard_warranty", "advanced_warranty", "convenience", "shipping_error")
# What the customer gets once the warehouse accepts the goods.
RESOLUTION = {"standard_warranty": "refund", "convenience": "refund",
              "advanced_warranty": "replacement", "shipping_error": "replacement"}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReturnPolicy:
    window_days: int = 14
    review_business_hours: int = 24
    holidays: frozenset[date] = frozenset()
    # Business days and the window's last day are counted in the shop's own time zone.
    timezone: str = "Europe/Rome"
    convenience_kinds: frozenset[str] = frozenset({"private"})
    refund_due_hours: int = 48
    attachment_max_bytes: int = 5 * 1024 * 1024
    attachment_max_count: int = 10
    # Per customer, over all their returns within a rolling window: no one fills the disk.
    attachment_max_count_per_customer: int = 30
    attachment_max_bytes_per_customer: int = 50 * 1024 * 1024
    attachment_customer_window_hours: int = 24
    # The largest image (width x height, as its header declares) staff may be asked to open.
    attachment_max_image_pixels: int = 40_000_000
    warehouse_address: tuple[str, ...] = field(
        default=("Sportello Returns", "Via dell'Industria 10", "20141 Milano MI", "Italy"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# -- the return window ---------------------------------------------------------------------
def window_closes_at(delivered_at: datetime, policy: ReturnPolicy) -> datetime:
    """The end of the ``window_days``-th calendar day after delivery, in the shop's time zone.

    Delivered on Monday the 1st at 18:00: returns are accepted until the 15th, 23:59:59.
    Calendar days, not 24-hour periods: the customer reads "14 days" off a calendar.
    """
    zone = policy.zone
    last_day = delivered_at.astimezone(zone).date() + timedelta(days=policy.window_days)
    return datetime.combine(last_day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)


def window_open(window_closes: datetime, now: datetime) -> bool:
    return now < window_closes


# -- business time -------------------------------------------------------------------------
def is_business_day(day: date, policy: ReturnPolicy) -> bool:
    return day.weekday() < 5 and day not in policy.holidays


def add_business_hours(start: datetime, hours: float, policy: ReturnPolicy) -> datetime:
    """``start`` plus ``hours`` of time that falls on business days (Monday to Friday, not holidays).

    Whole business days count (the desk answers around the clock on working days);
    weekends and holidays stop the clock. Friday 18:00 + 24 h = Monday 18:00. A
    request sent on a Saturday starts counting on Monday at midnight. The arithmetic
    runs in UTC, so a daylight-saving change does not add or lose an hour.
    """
    zone = policy.zone
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(timezone.utc)
    while True:
        day = cursor.astimezone(zone).date()
        day_ends = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
        if is_business_day(day, policy):
            available = day_ends - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        cursor = day_ends


def review_deadline(submitted_at: datetime, policy: ReturnPolicy) -> datetime:
    return add_business_hours(submitted_at, policy.review_business_hours, policy)


def refund_due_at(accepted_at: datetime, policy: ReturnPolicy) -> datetime:
    """The refund is owed within 48 clock hours of the warehouse accepting the goods."""
    return accepted_at + timedelta(hours=policy.refund_due_hours)


# -- who may return what ---------------------------------------------------------------------
def allowed_request_types(customer_kind: str, policy: ReturnPolicy) -> list[str]:
    """Convenience returns only for the profiles the shop allows (by default private consumers)."""
    return [t for t in REQUEST_TYPES if t != "convenience" or customer_kind in policy.convenience_kinds]


def label_prepaid(request_type: str) -> bool:
    """Warranty returns and shipping errors travel at the shop's cost; convenience at the customer's."""
    return request_type != "convenience"


def invoice_matches(invoice_number: str | None, order_number: str) -> bool:
    """The shop invoices each order under its order number, so that is the invoice number to check.

    ``order_delivered`` carries no separate invoice number; an absent one is fine.
    """
    if invoice_number is None or not invoice_number.strip():
        return True
    return invoice_number.strip().upper() == order_number.upper()


def gross_amount(unit_price: Decimal, quantity: int, vat_rate: Decimal) -> Decimal:
    """What the customer paid for ``quantity`` pieces: net per line plus VAT, each rounded half-up."""
    net = (unit_price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    return net + (net * vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
