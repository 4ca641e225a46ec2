"""Throttles: attempts per key within a window, refused for a while after too many (429 + Retry-After).

One mechanism for every per-client limit in Sportello: failed logins, password-reset
requests and registrations (accounts), messages posted by a customer (messaging). The
state is one row per key in the service's own database -- a table made with
:func:`throttle_table`, mapped to a subclass of :class:`Throttle` -- so every instance of a
service shares it and a restart forgets nothing.

Two ways to count:

* :func:`spend` -- every attempt counts (rate limits). It commits the count in its own
  transaction before the guarded work runs, so a request that then fails still counted.
* ``throttle.fail(rule, now)`` -- only failures count (login), as accounts does it.

Keys are stored as ``<kind>:<SHA-256 of the rest>`` (:func:`stored_key`): bounded whatever a
client typed (REVIEW R21: 254 x ``İ`` lower-cased overflowed the column on PostgreSQL), and no
e-mail address, phone number or client address rests in the table in the clear.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, select
from sqlalchemy.dialects import postgresql, sqlite

from services.chassis.errors import RateLimited
from services.chassis.tables import UtcDateTime


@dataclass(frozen=True)
class ThrottleRule:
    """At most ``max_attempts`` within ``window``; then nothing more until ``lockout`` has passed."""

    max_attempts: int
    window: timedelta
    lockout: timedelta

    @property
    def max_failures(self) -> int:  # the name when only failures count (logins)
        return self.max_attempts

    @classmethod
    def per(cls, max_attempts: int, seconds: float) -> "ThrottleRule":
        """A plain rate: ``max_attempts`` per ``seconds``, refused for the rest of that time."""
        return cls(max_attempts, timedelta(seconds=seconds), timedelta(seconds=seconds))

    @classmethod
    def from_config(cls, value: dict | None, default: "ThrottleRule") -> "ThrottleRule":
        """From a config entry such as ``{"max_attempts": 5, "window_seconds": 900}`` (lockout: the window)."""
        if not value:
            return default
        window = float(value.get("window_seconds", default.window.total_seconds()))
        return cls(int(value.get("max_attempts", default.max_attempts)), timedelta(seconds=window),
                   timedelta(seconds=float(value.get("lockout_seconds", window))))


class Throttle:
    """Attempts for one key within the current window; locked after too many."""

    def __init__(self, key: str, failures: int = 0, window_started_at: datetime | None = None,
                 locked_until: datetime | None = None):
        self.key = key
        self.failures = failures  # attempts counted in the window (the column predates rate limits)
        self.window_started_at = window_started_at
        self.locked_until = locked_until

    def retry_after(self, now: datetime) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        if self.locked_until and self.locked_until > now:
            return max(1, int((self.locked_until - now).total_seconds() + 0.999))
        return 0

    def count(self, rule: ThrottleRule, now: datetime) -> None:
        if self.window_started_at is None or now - self.window_started_at > rule.window:
            self.window_started_at, self.failures = now, 0
        self.failures += 1
        if self.failures >= rule.max_attempts:
            self.locked_until = now + rule.lockout

    fail = count  # for limits that count failures only

    def counted(self, rule: ThrottleRule, now: datetime) -> int:
        """Attempts counted in the window still running (0 once it has passed)."""
        if self.window_started_at is None or now - self.window_started_at > rule.window:
            return 0
        return self.failures

    def clear(self) -> None:
        self.failures, self.window_started_at, self.locked_until = 0, None, None


def throttle_table(metadata: MetaData, name: str = "throttles") -> Table:
    """The table a service keeps its throttles in (its migration creates the same columns)."""
    return Table(
        name, metadata,
        Column("key", String(300), primary_key=True),
        Column("failures", Integer, nullable=False),
        Column("window_started_at", UtcDateTime, nullable=True),
        Column("locked_until", UtcDateTime, nullable=True),
    )


def stored_key(key: str) -> str:
    """``login:Anna@Example.it`` -> ``login:<64 hex digits>``: the kind stays readable, the rest is hashed."""
    kind, _, rest = key.partition(":")
    return f"{kind[:40]}:{hashlib.sha256(rest.encode('utf-8', 'surrogatepass')).hexdigest()}"


class Throttles:
    """The throttle rows of one service (``model``: its mapped subclass of :class:`Throttle`).

    A decision is read-modify-write: :meth:`locked` reads the rows under a row lock held until
    the transaction ends, so parallel attempts on one key take turns and every one is counted
    (REVIEW R8: 40 parallel wrong logins used to read the same count; PostgreSQL evaluated all 40).
    """

    def __init__(self, session, model: type[Throttle]):
        self.session = session
        self.model = model

    def get(self, key: str) -> Throttle:
        """The row for ``key`` as it is, unlocked (a new one, stored only if :meth:`save` is given it)."""
        key = stored_key(key)
        return self.session.get(self.model, key) or self.model(key)

    def locked(self, *keys: str) -> list[Throttle]:
        """The rows for ``keys`` (in that order), made if missing and locked until commit or rollback.

        Rows are made by one ``INSERT ... ON CONFLICT DO NOTHING`` -- a write first, so SQLite takes
        its write lock at once -- then locked in key order, the same order for every caller, so two
        transactions locking overlapping keys cannot deadlock.
        """
        stored = [stored_key(key) for key in keys]
        ordered = sorted(set(stored))
        table = inspect(self.model).local_table
        self.session.execute(upsert(self.session, table).values(
            [{"key": key, "failures": 0, "window_started_at": None, "locked_until": None} for key in ordered]
        ).on_conflict_do_nothing(index_elements=["key"]))
        rows = self.session.execute(
            select(self.model).where(table.c.key.in_(ordered)).order_by(table.c.key)
            .with_for_update().execution_options(populate_existing=True)).scalars()
        by_key = {row.key: row for row in rows}
        return [by_key[key] for key in stored]

    def save(self, *throttles: Throttle) -> None:
        for throttle in throttles:
            self.session.add(throttle)


def upsert(session, table: Table):
    """The dialect's ``INSERT`` with ``ON CONFLICT`` (PostgreSQL and SQLite >= 3.24 both have it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"throttles need INSERT ... ON CONFLICT, which {dialect} is not known to have")


def retry_after(keyed: Iterable[tuple[Throttle, ThrottleRule]], now: datetime) -> int:
    return max((throttle.retry_after(now) for throttle, _ in keyed), default=0)


def spend(uow, model: type[Throttle], limits: Iterable[tuple[str, ThrottleRule]], now: datetime,
          error: type[RateLimited] = RateLimited) -> None:
    """Count one attempt against each key and commit it, or raise ``error`` (429) while one is locked.

    Runs before the work it guards, in a transaction of its own: a request refused later
    (a taken e-mail, an unknown address) still used up its attempt. The rows are locked from
    read to commit, so parallel attempts are all counted.
    """
    limits = list(limits)
    throttles = Throttles(uow.session, model)
    keyed = list(zip(throttles.locked(*(key for key, _ in limits)), (rule for _, rule in limits)))
    wait = retry_after(keyed, now)
    if wait:
        uow.rollback()
        raise error("Too many requests. Try again later.", extra={"retry_after": wait})
    for throttle, rule in keyed:
        throttle.count(rule, now)
    uow.commit()
