"""Old rows out of the outbox and the inbox, a batch at a time, so that neither grows for ever.

- An outbox row has done its work once the broker confirmed it (``sent_at``); it is kept a
  while longer to answer "was it sent, and when" (default 7 days). Rows not yet sent are never
  removed, however old: they are events still owed to the other services.
- An inbox row is what makes a second copy of an event a no-op. Copies arrive within seconds
  to minutes (a relay's lease expiring, a broker redelivery, a retry queue), so the default of
  30 days is a wide margin.

- An Idempotency-Key row (``idempotency_keys``) answers a retry of its request until the
  ``expires_at`` it was written with (``IDEMPOTENCY_TTL_HOURS``, 24 h by default); then it goes.

Every service prunes its own database from a background pass (:class:`Pruner`, hourly), and
``sportello prune`` does the same on demand. Deletes go in batches of ``batch_size`` rows, each
its own short transaction, so that on SQLite the single writer is never held for long.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, tuple_

from services.chassis.domain import utcnow
from services.chassis.loops import WakeableLoop
from services.chassis.tables import idempotency_keys, inbox_messages, outbox_messages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    """How long rows stay (``None`` keeps them for ever), and how the background pass works."""

    outbox_sent_days: float | None = 7
    inbox_days: float | None = 30
    batch_size: int = 1000
    interval_seconds: float = 3600

    @classmethod
    def from_config(cls, options: dict) -> "Retention":
        """From the ``RETENTION`` config section; a missing key keeps its default, 0 days means for ever."""
        values = {**cls().__dict__, **options}

        def days(key: str) -> float | None:
            value = float(values[key] or 0)
            return value if value > 0 else None

        return cls(days("outbox_sent_days"), days("inbox_days"), int(values["batch_size"]),
                   float(values["interval_seconds"]))


def prune_batch(session_factory, retention: Retention, now: datetime | None = None) -> tuple[int, int]:
    """One batch from each table; returns (outbox rows removed, inbox rows removed)."""
    now = now or utcnow()
    removed_outbox = removed_inbox = 0
    if retention.outbox_sent_days is not None:
        t = outbox_messages
        cutoff = now - timedelta(days=retention.outbox_sent_days)
        oldest_sent = (select(t.c.event_id).where(t.c.sent_at.is_not(None), t.c.sent_at < cutoff)
                       .limit(retention.batch_size))
        with session_factory() as session, session.begin():
            removed_outbox = session.execute(delete(t).where(t.c.event_id.in_(oldest_sent))).rowcount
    if retention.inbox_days is not None:
        t = inbox_messages
        cutoff = now - timedelta(days=retention.inbox_days)
        oldest_seen = (select(t.c.event_id, t.c.handler).where(t.c.received_at < cutoff)
                       .limit(retention.batch_size))
        with session_factory() as session, session.begin():
            removed_inbox = session.execute(
                delete(t).where(tuple_(t.c.event_id, t.c.handler).in_(oldest_seen))
            ).rowcount
    return removed_outbox, removed_inbox


def prune_expired_keys(session_factory, retention: Retention, now: datetime | None = None) -> int:
    """One batch of Idempotency-Key rows past their expiry; returns how many were removed."""
    t = idempotency_keys
    expired = select(t.c.scope, t.c.key).where(t.c.expires_at < (now or utcnow())).limit(retention.batch_size)
    with session_factory() as session, session.begin():
        return session.execute(delete(t).where(tuple_(t.c.scope, t.c.key).in_(expired))).rowcount


def prune(session_factory, retention: Retention, now: datetime | None = None) -> tuple[int, int]:
    """Batches until nothing old is left; returns the totals removed (outbox, inbox). Expired
    Idempotency-Key rows go too."""
    while prune_expired_keys(session_factory, retention, now) >= retention.batch_size:
        pass
    total_outbox = total_inbox = 0
    while True:
        outbox, inbox = prune_batch(session_factory, retention, now)
        total_outbox, total_inbox = total_outbox + outbox, total_inbox + inbox
        if max(outbox, inbox) < retention.batch_size:
            return total_outbox, total_inbox


class Pruner(WakeableLoop):
    """The background pass: a batch of each table every ``interval_seconds``, at once again while
    a batch comes back full (a backlog, e.g. after the setting was lowered)."""

    what = "outbox/inbox/idempotency-key pruning pass"
    final_pass = False  # nothing is owed at shutdown: the next start prunes

    def __init__(self, session_factory, retention: Retention):
        super().__init__(retention.interval_seconds, retention.batch_size)
        self.session_factory = session_factory
        self.retention = retention

    def run_once(self) -> int:
        outbox, inbox = prune_batch(self.session_factory, self.retention)
        keys = prune_expired_keys(self.session_factory, self.retention)
        if outbox or inbox or keys:
            log.info("pruned %d sent outbox rows, %d inbox rows and %d expired idempotency keys", outbox, inbox, keys)
        return max(outbox, inbox, keys)
