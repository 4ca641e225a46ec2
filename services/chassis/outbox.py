"""The outbox relay: publishes committed events with publisher confirms.

One pass (:meth:`OutboxRelay.relay_once`) works in three short steps so that no
database lock is held while talking to the broker:

1. claim a batch: rows not sent, due, and not leased by another relay, get a
   lease (``locked_until``); ``FOR UPDATE SKIP LOCKED`` on PostgreSQL keeps
   several replicas from claiming the same rows;
2. publish each row persistently, waiting for the broker's confirm;
3. mark the confirmed rows sent; a row whose publish failed gets its attempt
   counted and a back-off (0.5 s doubling up to 60 s, with jitter).

The back-off protects the broker from a row it refuses. When the broker itself was away, the
rows that failed meanwhile owe it nothing: the first publish that goes through again makes
them due at once, so the outage, not the longest back-off, decides when they go out.

A crash between 2 and 3 leaves the lease to expire and the row is published
again: delivery is at-least-once, and consumers deduplicate on ``event_id``.
"""
from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange
from sqlalchemy import func, or_, select, update

from services.chassis.domain import utcnow
from services.chassis.loops import WakeableLoop
from services.chassis.settle import BROKER_UNREACHABLE
from services.chassis.tables import outbox_messages

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after ``attempts`` failed ones (exponential, jittered)."""
    base = min(MAX_BACKOFF_SECONDS, 0.5 * (2 ** max(attempts - 1, 0)))
    return base * random.uniform(0.8, 1.2)


class OutboxRelay(WakeableLoop):
    what = "outbox relay pass"

    def __init__(
        self,
        session_factory,
        service_name: str,
        amqp_uri: str,
        poll_interval: float = 1.0,
        batch_size: int = 100,
        lease_seconds: float = 30.0,
        declare_exchange: bool = True,
    ):
        super().__init__(poll_interval, batch_size)
        self.session_factory = session_factory
        self.service_name = service_name
        self.lease = timedelta(seconds=lease_seconds)
        # Rows that failed because the broker was away: due again once it answers.
        self.failed_while_away: set[str] = set()
        self.exchange = get_event_exchange(service_name, {})
        # Persistent messages, confirms on; kombu retries a dropped connection
        # a few times before the publish raises and the row waits its back-off.
        self.publisher = Publisher(
            amqp_uri,
            use_confirms=True,
            serializer="json",
            # Not where the operator declared it: the service's broker user may not configure exchanges.
            declare=[self.exchange] if declare_exchange else [],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1},
        )

    # -- one pass ----------------------------------------------------------------
    def run_once(self) -> int:
        return self.relay_once()

    def relay_once(self) -> int:
        """Publish what is due; returns how many rows were confirmed and marked sent."""
        rows = self.claim_batch()
        if not rows:
            return 0
        sent_ids: list[str] = []
        failure: tuple[dict, Exception] | None = None
        for row in rows:
            try:
                self.publish(row)
            except Exception as exc:  # broker down, nack, connection lost...
                failure = (row, exc)
                break  # the broker is likely unreachable: leave the rest for later
            sent_ids.append(row["event_id"])
        self.mark_sent(sent_ids)
        if sent_ids and self.failed_while_away:
            self.retry_now(sorted(self.failed_while_away))
            log.info("outbox: the broker answers again; %d rows waiting out a back-off are due now",
                     len(self.failed_while_away))
            self.failed_while_away.clear()
        if failure is not None:
            row, exc = failure
            self.mark_failed(row, exc)
            if isinstance(exc, BROKER_UNREACHABLE):
                self.failed_while_away.add(row["event_id"])
            unattempted = [r["event_id"] for r in rows[len(sent_ids) + 1 :]]
            self.release(unattempted)
            log.warning(
                "outbox: publishing %s %s failed (attempt %d): %s",
                row["event_type"], row["event_id"], row["attempts"] + 1, exc,
            )
        return len(sent_ids)

    def claim_batch(self) -> list[dict]:
        now = utcnow()
        t = outbox_messages
        with self.session_factory() as session, session.begin():
            query = (
                select(t.c.event_id, t.c.event_type, t.c.payload, t.c.headers, t.c.attempts)
                .where(
                    t.c.sent_at.is_(None),
                    t.c.next_attempt_at <= now,
                    or_(t.c.locked_until.is_(None), t.c.locked_until < now),
                )
                .order_by(t.c.created_at)
                .limit(self.batch_size)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = [dict(r._mapping) for r in session.execute(query)]
            if rows:
                session.execute(
                    update(t)
                    .where(t.c.event_id.in_([r["event_id"] for r in rows]))
                    .values(locked_until=now + self.lease)
                )
        return rows

    def publish(self, row: dict) -> None:
        headers = {f"nameko.{k}": v for k, v in json.loads(row["headers"]).items()}
        self.publisher.publish(
            json.loads(row["payload"]),
            exchange=self.exchange,
            routing_key=row["event_type"],
            extra_headers=headers,
            message_id=row["event_id"],
        )

    def mark_sent(self, event_ids: list[str]) -> None:
        self._update(event_ids, sent_at=utcnow(), locked_until=None)

    def mark_failed(self, row: dict, exc: Exception) -> None:
        attempts = row["attempts"] + 1
        self._update(
            [row["event_id"]],
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=utcnow() + timedelta(seconds=backoff_seconds(attempts)),
            locked_until=None,
        )

    def retry_now(self, event_ids: list[str]) -> None:
        """These rows are due now, their back-off forgotten (one sent meanwhile is not claimed again)."""
        self._update(event_ids, next_attempt_at=utcnow())

    def release(self, event_ids: list[str]) -> None:
        """Give back rows claimed but not attempted, so that the next pass takes them at once."""
        self._update(event_ids, locked_until=None)

    def _update(self, event_ids: list[str], **values) -> None:
        if not event_ids:
            return
        with self.session_factory() as session, session.begin():
            session.execute(update(outbox_messages).where(outbox_messages.c.event_id.in_(event_ids)).values(**values))


def pending_count(session) -> int:
    """Rows not yet confirmed by the broker (for status pages and tests)."""
    return session.execute(
        select(func.count()).select_from(outbox_messages).where(outbox_messages.c.sent_at.is_(None))
    ).scalar_one()
