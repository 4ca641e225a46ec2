"""Effects counted from outside the system's bookkeeping: the orders each customer sees through the
API, the mails in the SMTP server's mailbox (by subject and order number, and by Message-ID), the
messages left in the broker's queues (management API). Nothing here reads a service's database."""
from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from pathlib import Path

from tests.faults.report import Outcome, record
from tests.faults.stack import ROOT, wait_until

TEMPLATES = ROOT / "services" / "messaging" / "templates"
ORDER_NUMBER = r"(?P<number>ORD-\d{4}-\d+)"


def _subject_patterns(kind: str) -> list[re.Pattern]:
    """Each language's subject line of the ``kind`` template, with the order number as a group."""
    patterns = []
    for path in sorted(TEMPLATES.glob(f"{kind}.*.txt")):
        subject = path.read_text().split("\n", 1)[0].strip()
        before, _, after = subject.partition("{{ order_number }}")
        patterns.append(re.compile(f"^{re.escape(before)}{ORDER_NUMBER}{re.escape(after)}$"))
    return patterns


SUBJECTS = {kind: _subject_patterns(kind) for kind in ("order_confirmation", "order_delivered")}


def _messages(maildir: Path):
    for path in sorted(maildir.glob("*.eml")):
        yield email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def mails(maildir: Path, kind: str) -> Counter:
    """order number -> how many mails of ``kind`` reached the SMTP server for it."""
    found = Counter()
    for message in _messages(maildir):
        subject = str(message["Subject"] or "").strip()
        for pattern in SUBJECTS[kind]:
            match = pattern.match(subject)
            if match:
                found[match.group("number")] += 1
                break
    return found


def message_ids(maildir: Path) -> Counter:
    return Counter(str(message["Message-ID"]) for message in _messages(maildir))


def handed_twice(maildir: Path) -> list[str]:
    """Each Message-ID the SMTP server took more than once, with its subject and when each copy came
    (the capture names a file by its arrival, in ns): what a failure is read from. The mailbox is the
    session's, so a copy may belong to an earlier scenario: a sender's lease runs 120 s."""
    copies: dict[str, list[Path]] = {}
    for path in sorted(maildir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        copies.setdefault(str(message["Message-ID"]), []).append(path)
    described = []
    for message_id, paths in copies.items():
        if len(paths) > 1:
            subject = email.message_from_bytes(paths[0].read_bytes(), policy=email.policy.default)["Subject"]
            times = ", ".join(f"{int(p.name.split('-')[0]) / 1e9:.1f}" for p in paths)
            described.append(f"{message_id} {subject!r} at {times} (epoch s)")
    return described


def orders_seen(shop, customers: list[dict]) -> Counter:
    """order number -> times listed, over every customer's own order list (GET /api/v1/orders)."""
    return Counter(order["number"] for auth in customers for order in shop.my_orders(auth))


def wait_for_mails(maildir: Path, kind: str, numbers: set, timeout: float = 240) -> float:
    """Seconds until a mail of ``kind`` is there for every number (raises when some never come)."""
    import time

    started = time.monotonic()
    wait_until(lambda: numbers <= set(mails(maildir, kind)), timeout, interval=1,
               what=f"{kind} mails for {len(numbers)} orders")
    return time.monotonic() - started


def left_in_queues(broker, ignore=re.compile(r"dead-letters|^rpc\.reply|drill")) -> dict[str, int]:
    """Queues still holding messages (dead-letter queues and the drills' own queues aside, which
    scenarios count themselves: scenario 7's crash_drill consumer, scenario 9's tap)."""
    return {name: n for name, n in broker.queue_depths().items() if n and not ignore.search(name)}


def count(scenario: str, effect: str, operations: int, acknowledged: set, found: Counter, extra: int = 0,
          recovery_s: float | None = None, notes: str = "") -> Outcome:
    """Compare what the clients were told with what exists; ``extra`` = effects no acknowledged
    operation explains (a second order of one cart...), counted as duplicates. Records the row."""
    mine = {key: n for key, n in found.items() if key in acknowledged}
    return record(Outcome(f"cluster: {scenario}", effect, operations, len(acknowledged), len(mine),
                          lost=len(acknowledged - set(mine)), duplicated=sum(n - 1 for n in mine.values()) + extra,
                          recovery_s=None if recovery_s is None else round(recovery_s, 1), notes=notes))
