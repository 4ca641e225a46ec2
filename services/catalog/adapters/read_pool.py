"""Read-only SQLite connections whose statements run off the eventlet hub.

A catalog process writes through one SQLite connection (services/chassis/database.py),
and every statement on it blocks the eventlet hub for its duration: a search
that ranks thousands of hits stalls every other worker of the process, and the
process uses one core. Searches are reads, and WAL lets readers run beside each
other and beside the writer; so searches get a few connections of their own:

* each statement's ``cursor.execute`` (for a SELECT, where SQLite does the work:
  it sorts or counts before it can hand out the first row) runs in
  ``eventlet.tpool``, a real thread; sqlite3 releases the GIL while SQLite
  steps, so the hub keeps serving other workers and a second core is used;
* everything else (building the statement, fetching the few rows, turning them
  into values) stays on the hub, as does the pool's checkout: no green lock is
  ever touched from a real thread;
* ``PRAGMA query_only``: a connection of this pool cannot write, whatever runs on it;
* a reader never waits for the writer in WAL mode; should it ever wait (busy
  timeout), it waits in its thread, not on the hub.

Only for SQLite files: PostgreSQL connections already wait cooperatively
(psycopg with ``wait_select``), and an in-memory SQLite database exists only
for the connection that made it. :meth:`ReadPool.session` gives ``None`` then,
and callers read through their unit of work as before.
"""
from __future__ import annotations

import weakref

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from nameko.extensions import DependencyProvider

READ_CONNECTIONS = 3  # two cores: one statement per core, and one being set up or fetched on the hub
# Execution option for a statement that costs less than the trip to a thread and back (~0.1 ms of
# queueing, waking and GIL hand-over): a single index probe runs on the hub, like any other read.
ON_HUB = "sportello_on_hub"


def off_hub_engine(url: str, connections: int = READ_CONNECTIONS) -> Engine | None:
    """An engine for read-only SQLite connections that execute off the hub; ``None`` where not wanted."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    from eventlet import tpool

    engine = create_engine(url, pool_size=connections, max_overflow=0, pool_timeout=60,
                           # Used by the hub and by a tpool thread in turn, never at once.
                           connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    @event.listens_for(engine, "do_execute")
    def _execute_in_thread(cursor, statement, parameters, context):
        if context.execution_options.get(ON_HUB):
            return False  # SQLAlchemy executes it here, on the hub
        tpool.execute(cursor.execute, statement, parameters)
        return True  # executed

    return engine


class ReadPool(DependencyProvider):
    """A session on the read-only, off-hub pool per worker that asks for one (see module docstring)."""

    def __init__(self, connections: int = READ_CONNECTIONS):
        self.connections = connections
        self.engine: Engine | None = None
        self.sessions = None
        self._reads: "weakref.WeakKeyDictionary[object, Reads]" = weakref.WeakKeyDictionary()

    def setup(self) -> None:
        url = self.container.config["DATABASE_URLS"][self.container.service_name]
        self.engine = off_hub_engine(url, self.connections)
        if self.engine is not None:
            self.sessions = sessionmaker(self.engine)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx) -> "Reads":
        reads = self._reads[worker_ctx] = Reads(self.sessions)
        return reads

    def worker_teardown(self, worker_ctx) -> None:
        reads = self._reads.pop(worker_ctx, None)
        if reads is not None:
            reads.close()


class Reads:
    """A worker's read-only session, opened on first use; ``session`` is ``None`` without a pool."""

    def __init__(self, sessions):
        self._sessions = sessions
        self._session: Session | None = None

    @property
    def session(self) -> Session | None:
        if self._session is None and self._sessions is not None:
            self._session = self._sessions()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
