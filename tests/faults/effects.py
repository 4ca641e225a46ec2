"""Effects found afterwards, read from each service's own database and from the SMTP server's maildir."""
from __future__ import annotations

import email
import email.policy
import re
import sqlite3
from collections import Counter

from tests.faults.report import Outcome, record
from tests.faults.stack import FaultStack, wait_until

ORDER_NUMBER = re.compile(r"ORD-\d{4}-\d+")


def rows(stack: FaultStack, service: str, sql: str, *params) -> list[tuple]:
    connection = sqlite3.connect(f"file:{stack.var / (service + '.sqlite3')}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def orders_by_cart(stack: FaultStack) -> Counter:
    return Counter(cart_id for (cart_id,) in rows(stack, "orders", "SELECT cart_id FROM orders"))


def return_windows(stack: FaultStack) -> Counter:
    return Counter(number for (number,) in rows(stack, "returns", "SELECT order_number FROM delivered_orders"))


def mails(stack: FaultStack, kind: str) -> Counter:
    """Mails of one kind handed to the SMTP server, by order number (from the messaging database)."""
    found = Counter()
    for (subject,) in rows(stack, "messaging", "SELECT subject FROM notifications WHERE kind = ? AND status = 'sent'",
                           kind):
        match = ORDER_NUMBER.search(subject)
        if match:
            found[match.group()] += 1
    return found


def smtp_message_ids(stack: FaultStack) -> Counter:
    """How often each Message-ID reached the SMTP server (a resend after a lost answer keeps its id)."""
    found = Counter()
    for path in stack.smtp.maildir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found[message["Message-ID"]] += 1
    return found


def wait_for_all(count_effects, expected: set, timeout: float = 120) -> None:
    wait_until(lambda: expected <= set(count_effects()), timeout, interval=0.5,
               what=f"{len(expected)} effects ({getattr(count_effects, '__name__', 'effects')})")


def tally(scenario: str, effect: str, operations: int, acknowledged: set, found: Counter,
          recovery_s: float | None = None, notes: str = "") -> Outcome:
    """Compare what the clients were told with what exists, record the row, return it."""
    mine = {key: n for key, n in found.items() if key in acknowledged}
    return record(Outcome(scenario, effect, operations, len(acknowledged), len(mine),
                          lost=len(acknowledged - set(mine)), duplicated=sum(n - 1 for n in mine.values()),
                          recovery_s=None if recovery_s is None else round(recovery_s, 1), notes=notes))
