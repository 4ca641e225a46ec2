"""What is waiting in a service's outbox, for ``sportello outbox status`` and monitoring.

Read-only: one short query per database, no lock taken, safe to run beside the relays.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from services.chassis.database import missing_sqlite_file
from services.chassis.domain import utcnow
from services.chassis.tables import outbox_messages


@dataclass(frozen=True)
class OutboxStatus:
    service: str
    pending: int = 0  # committed, not yet confirmed by the broker
    oldest_pending_seconds: float | None = None  # age of the oldest of them
    failing: int = 0  # pending rows whose publish failed at least once
    backing_off: int = 0  # failing rows waiting for their next attempt
    max_attempts: int = 0
    last_error: str | None = None  # of the most recently failed pending row
    error: str | None = None  # the database could not be read

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def outbox_status(service: str, url: str, now: datetime | None = None) -> OutboxStatus:
    now = now or utcnow()
    t = outbox_messages
    pending = t.c.sent_at.is_(None)
    failing = and_(pending, t.c.attempts > 0)
    missing = missing_sqlite_file(url)
    if missing:
        return OutboxStatus(service, error=f"no database file {missing} (not migrated yet?)")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(
                    func.count(),
                    func.min(t.c.created_at),
                    func.coalesce(func.sum(case((t.c.attempts > 0, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((t.c.next_attempt_at > now, 1), else_=0)), 0),
                    func.coalesce(func.max(t.c.attempts), 0),
                ).where(pending)
            ).one()
            last_error = conn.execute(
                select(t.c.last_error).where(failing).order_by(t.c.next_attempt_at.desc()).limit(1)
            ).scalar_one_or_none()
    except SQLAlchemyError as exc:
        return OutboxStatus(service, error=f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    count, oldest, failing_count, backing_off, max_attempts = row
    oldest = t.c.created_at.type.process_result_value(oldest, engine.dialect) if oldest is not None else None
    return OutboxStatus(
        service,
        pending=int(count),
        oldest_pending_seconds=round((now - oldest).total_seconds(), 1) if oldest is not None else None,
        failing=int(failing_count),
        backing_off=int(backing_off),
        max_attempts=int(max_attempts),
        last_error=last_error,
    )


def format_table(statuses: list[OutboxStatus]) -> str:
    lines = [f"{'service':<10} {'pending':>7} {'oldest':>9} {'failing':>7} {'backing off':>11} {'attempts':>8}  last error"]
    for s in statuses:
        if s.error:
            lines.append(f"{s.service:<10} unreadable: {s.error}")
            continue
        oldest = "-" if s.oldest_pending_seconds is None else f"{s.oldest_pending_seconds:.1f}s"
        lines.append(f"{s.service:<10} {s.pending:>7} {oldest:>9} {s.failing:>7} {s.backing_off:>11} "
                     f"{s.max_attempts:>8}  {(s.last_error or '-')[:120]}")
    return "\n".join(lines)
