"""Bounded waits on PostgreSQL, and "busy, retry" instead of a hang or a 500 (REVIEW R9).

Without bounds a worker waited for ever: on a row lock another transaction held (a staff
member's psql ``SELECT ... FOR UPDATE``, a stuck worker), on a statement, on a connection to a
server that had gone (a black-holed socket), or on the pool. Each wait now has a setting:

* ``lock_timeout`` (5 s): a row lock normally lasts milliseconds; waiting longer means something
  is stuck, and the client is better told to retry (503 + Retry-After) than kept waiting;
* ``statement_timeout`` (8 s): below the RPC timeout (10 s), so one statement cannot outlast the
  gateway's wait: it is cancelled and its transaction rolled back instead of committing after a 504
  (a request of many slow statements can still; the Idempotency-Key makes its retry safe);
* ``connect_timeout`` (3 s; libpq counts whole seconds, at least 2) and ``pool_timeout`` (5 s):
  a request gets a connection well within the RPC timeout, or a 503;
* TCP keepalives (idle 5 s, then 2 probes 2 s apart) and ``tcp_user_timeout`` (9 s): a server
  that vanished without a FIN or RST is noticed within 9 s, idle or mid-query, not after the
  kernel's ~15 minutes of retransmissions.

A lock or statement timeout and an exhausted pool are raised as :class:`DatabaseBusy`, a connection
that cannot be opened as :class:`DatabaseUnavailable` (both ``ServiceUnavailable``: 503 with
Retry-After at the gateway); PostgreSQL has rolled the statement back and the unit of work
rolls back the rest, so nothing is half-written. Only the services'
engines get the lock and statement timeouts; operator commands (migrations) keep no such bound.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from services.chassis.errors import DatabaseBusy, DatabaseUnavailable

# SQLSTATEs: lock_not_available (lock_timeout, NOWAIT), query_canceled (statement_timeout).
BUSY_SQLSTATES = {"55P03": "a row it needs is locked by another transaction",
                  "57014": "a statement took longer than the statement timeout"}
RETRY_AFTER_SECONDS = 1
# Operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now) and
# connection exceptions (08xxx): the server went away under the connection.
SERVER_ENDED_SQLSTATE_CLASSES = ("57P", "08")


@dataclass(frozen=True)
class DatabaseBounds:
    """Seconds each wait on PostgreSQL may last (0: no bound, PostgreSQL's own default)."""

    statement_timeout: float = 8.0
    lock_timeout: float = 5.0
    connect_timeout: float = 3.0
    pool_timeout: float = 5.0
    keepalives_idle: float = 5.0
    keepalives_interval: float = 2.0
    keepalives_count: int = 2
    tcp_user_timeout: float = 9.0

    @classmethod
    def from_config(cls, config: dict) -> "DatabaseBounds":
        """From the ``POSTGRESQL`` config section (its keys are these fields' names)."""
        section = config.get("POSTGRESQL") or {}
        return cls(**{name: section[name] for name in cls.__dataclass_fields__ if name in section})

    def connect_args(self, sessions: bool = True) -> dict[str, Any]:
        """libpq connection parameters; with ``sessions`` also the server-side timeouts."""
        args: dict[str, Any] = {
            "keepalives": 1,
            "keepalives_idle": max(1, round(self.keepalives_idle)),
            "keepalives_interval": max(1, round(self.keepalives_interval)),
            "keepalives_count": max(1, int(self.keepalives_count)),
        }
        if self.connect_timeout:
            args["connect_timeout"] = max(2, round(self.connect_timeout))
        if self.tcp_user_timeout:
            args["tcp_user_timeout"] = int(self.tcp_user_timeout * 1000)
        if sessions:
            args["options"] = (f"-c statement_timeout={int(self.statement_timeout * 1000)} "
                               f"-c lock_timeout={int(self.lock_timeout * 1000)}")
        return args


class BoundedQueuePool(QueuePool):
    """A pool whose wait for a free connection ends in :class:`DatabaseBusy`, not a bare TimeoutError."""

    def _do_get(self):
        try:
            return super()._do_get()
        except sa_exc.TimeoutError:
            raise DatabaseBusy("Every database connection is in use; try again.",
                               extra={"retry_after": RETRY_AFTER_SECONDS}) from None


def busy_errors_as_unavailable(engine: Engine) -> None:
    """Lock and statement timeouts leave the service as ``DatabaseBusy``, a connection that could not
    be opened as ``DatabaseUnavailable`` (both 503 + Retry-After), not as a 500. So does a connection
    the server ended under a request (a restart or failover: 'terminating connection due to
    administrator command', 'server closed the connection unexpectedly'): the pool drops it, the
    client's retry (with its Idempotency-Key, as for any 503) gets a new one. Such a request may
    have committed if the end came during its COMMIT; the key is what makes the retry safe then."""

    @event.listens_for(engine, "handle_error")
    def _busy(context):
        sqlstate = getattr(context.original_exception, "sqlstate", None)
        if sqlstate in BUSY_SQLSTATES:
            return DatabaseBusy(f"The database is busy: {BUSY_SQLSTATES[sqlstate]}. Try again.",
                                extra={"retry_after": RETRY_AFTER_SECONDS})
        ended = context.is_disconnect or str(sqlstate or "").startswith(SERVER_ENDED_SQLSTATE_CLASSES)
        if isinstance(context.sqlalchemy_exception, sa_exc.OperationalError) and (context.connection is None or ended):
            return DatabaseUnavailable("The database could not be reached. Try again.",
                                       extra={"retry_after": RETRY_AFTER_SECONDS})
        return None
