"""Reading a row in order to change it, so that two processes changing it take turns (REVIEW R4).

PostgreSQL: ``SELECT ... FOR UPDATE`` holds the row until commit; the second reader waits and then
reads what the first committed. SQLite has no row locks and Python's sqlite3 begins a transaction
only at the first write, so two processes on one file (``sportello run --instances 2``) would both
read the old row and both write. :func:`hold_writes` takes SQLite's one writer lock first, with a
write that changes nothing: the second process waits there (``busy_timeout``), then reads afresh.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.sql import Select

# Every service database has the chassis's outbox; the statement matches no row.
_TAKE_WRITER_LOCK = text("UPDATE outbox_messages SET attempts = attempts WHERE 1 = 0")


def hold_writes(session) -> None:
    """SQLite: take the writer lock now, before the reads a change depends on (PostgreSQL: nothing)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(_TAKE_WRITER_LOCK)


def for_change(session, query: Select):
    """Execute ``query`` with its rows locked until commit, read afresh even if the session holds them."""
    hold_writes(session)
    return session.execute(query.with_for_update().execution_options(populate_existing=True))


def read(session, query: Select, lock: bool = False):
    """``query``'s result: locked for a change (:func:`for_change`) when ``lock``, a plain read otherwise."""
    return for_change(session, query) if lock else session.execute(query)
