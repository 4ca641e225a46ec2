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

Every publish is bounded (``confirm_timeout``, SPORTELLO_PUBLISH_CONFIRM_TIMEOUT): a
black-holed connection fails the row like a refused one, never holds the relay. And every
publish is ``mandatory``: RabbitMQ confirms a message no queue is bound for, and drops it.
A returned event of a type some Sportello service handles (its handler queue is missing:
``sportello declare-queues`` not run, a queue deleted) is not marked sent; it backs off and
goes out once the queue exists. One that no Sportello service handles (order_cancelled, some
RMA steps: outside consumers' business, who bind their own queues) is marked sent as before.
"""
from __future__ import annotations

import json
import logging
import os
import random
import signal
from datetime import timedelta

from nameko.standalone.events import get_event_exchange
from sqlalchemy import func, or_, select, update

from services.chassis.domain import utcnow
from services.chassis.loops import WakeableLoop
from services.chassis.publishing import DEFAULT_CONFIRM_TIMEOUT, ConfirmedPublisher, Unroutable
from services.chassis.settle import BROKER_UNREACHABLE
from services.chassis.tables import outbox_messages

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0
# A drill hook, off unless set (tests/faults_cluster/test_6_publisher_kill.py, docs/reliability.md):
# a file path; the first relay pass that has rows confirmed writes their event ids there and
# SIGKILLs its own process before marking them sent. The file makes it once, over restarts and
# replicas: the crash at the one moment no outside timing can hit.
DRILL_KILL_AFTER_CONFIRM = "SPORTELLO_DRILL_KILL_AFTER_CONFIRM"


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
        confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        consumed_event_types=None,
    ):
        super().__init__(poll_interval, batch_size)
        self.session_factory = session_factory
        self.service_name = service_name
        self.lease = timedelta(seconds=lease_seconds)
        # Rows that failed because the broker was away: due again once it answers.
        self.failed_while_away: set[str] = set()
        self.exchange = get_event_exchange(service_name, {})
        # Not where the operator declared it: the service's broker user may not configure exchanges.
        self.declare = [self.exchange] if declare_exchange else []
        # Persistent messages, confirms on, each publish bounded; a kept connection that died is
        # replaced once before the publish raises and the row waits its back-off.
        self.publisher = ConfirmedPublisher(amqp_uri, confirm_timeout)
        # The event types whose return means a missing handler queue: asked of the service
        # classes on the first return only (importing them all costs about a second).
        self._consumed = consumed_event_types

    def consumed_event_types(self) -> frozenset[str]:
        if self._consumed is None:
            from services.chassis.queues import consumed_event_types

            self._consumed = consumed_event_types(self.service_name)
        return frozenset(self._consumed)

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.publisher.close()

    # -- one pass ----------------------------------------------------------------
    def run_once(self) -> int:
        return self.relay_once()

    def relay_once(self) -> int:
        """Publish what is due; returns how many rows were confirmed and marked sent."""
        rows = self.claim_batch()
        if not rows:
            return 0
        sent_ids: list[str] = []
        unroutable: list[tuple[dict, Exception]] = []
        failure: tuple[dict, Exception] | None = None
        for row in rows:
            try:
                self.publish(row)
            except Unroutable as exc:
                if row["event_type"] in self.consumed_event_types():
                    unroutable.append((row, exc))  # its handler queue is missing: later, not lost
                    continue
                log.debug("outbox: no queue bound for %s %s; no Sportello service handles it", row["event_type"],
                          row["event_id"])
            except Exception as exc:  # broker down, nack, connection lost, no confirm in time...
                failure = (row, exc)
                break  # the broker is likely unreachable: leave the rest for later
            sent_ids.append(row["event_id"])
        _drill_kill_after_confirm(sent_ids)
        self.mark_sent(sent_ids)
        for row, exc in unroutable:
            self.mark_failed(row, exc)
            log.warning("outbox: %s %s reached no queue (is `sportello declare-queues` run?); kept, attempt %d",
                        row["event_type"], row["event_id"], row["attempts"] + 1)
        attempted = len(sent_ids) + len(unroutable)
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
            unattempted = [r["event_id"] for r in rows[attempted + 1 :]]
            self.release(unattempted)
            log.warning(
                "outbox: publishing %s %s failed (attempt %d): %s: %s",
                row["event_type"], row["event_id"], row["attempts"] + 1, type(exc).__name__, exc,
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
            headers=headers,
            message_id=row["event_id"],
            mandatory=True,
            declare=self.declare,
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


def _drill_kill_after_confirm(event_ids: list[str]) -> None:
    path = os.environ.get(DRILL_KILL_AFTER_CONFIRM)
    if not path or not event_ids:
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return  # done once already
    with os.fdopen(fd, "w") as ids:
        ids.write("".join(f"{event_id}\n" for event_id in event_ids))
    log.warning("outbox: drill %s: SIGKILL after the confirm of %d rows, before marking them sent",
                DRILL_KILL_AFTER_CONFIRM, len(event_ids))
    os.kill(os.getpid(), signal.SIGKILL)


def pending_count(session) -> int:
    """Rows not yet confirmed by the broker (for status pages and tests)."""
    return session.execute(
        select(func.count()).select_from(outbox_messages).where(outbox_messages.c.sent_at.is_(None))
    ).scalar_one()
