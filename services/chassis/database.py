"""Database access for a service: one engine per service, one unit of work per worker.

Why the unit of work commits *inside* the worker and not at ``worker_result``:
nameko calls an entrypoint's ``handle_result`` (the RPC reply, the event ack)
before the dependencies' ``worker_result`` (``nameko/containers.py``,
``_run_worker``). A commit there would come after the caller was told
"done"; so use cases call ``uow.commit()`` themselves and the provider rolls
back and closes whatever is left at worker teardown.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
import weakref
from typing import Any, Callable, Mapping

# psycopg's C wait function ignores eventlet and stalls the whole process on
# every query; the pure-Python select() one cooperates (NAMEKO-NOTES.md).
# It must be set before psycopg is first imported.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

from marshmallow import Schema  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from services.chassis.config import declares_topology  # noqa: E402
from services.chassis.database_bounds import BoundedQueuePool, DatabaseBounds, busy_errors_as_unavailable  # noqa: E402
from services.chassis.domain import DomainEvent, utcnow  # noqa: E402
from services.chassis.retention import Pruner, Retention  # noqa: E402
from services.chassis.tables import inbox_messages, outbox_messages  # noqa: E402

log = logging.getLogger(__name__)


def missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist yet, else None.

    Connecting would create it empty: an operator's command that only reads or tidies
    (``outbox status``, ``prune``) must not create databases.
    """
    if not url.startswith("sqlite"):
        return None
    path = make_url(url).database
    return path if path and path != ":memory:" and not os.path.exists(path) else None


def engine_options(url: str, pool: bool = True, bounds: DatabaseBounds | None = None) -> dict[str, Any]:
    """``bounds``: a service's engine (lock and statement timeouts too); without, an operator's command,
    whose connections are bounded (connect timeout, keepalives) but not its statements (migrations)."""
    if url.startswith("sqlite"):
        # SQLite blocks the eventlet hub for each statement, and its busy-wait
        # would block the greenthread holding the lock too: so a process uses
        # one connection, handed out cooperatively by the pool (transactions in
        # one process take turns; other processes wait on busy_timeout).
        options: dict[str, Any] = {"connect_args": {"timeout": 30}}
        if pool:
            options.update(pool_size=1, max_overflow=0, pool_timeout=60)
        else:
            options["poolclass"] = NullPool
        return options
    connect_args = (bounds or DatabaseBounds()).connect_args(sessions=bounds is not None)
    if not pool:
        return {"poolclass": NullPool, "connect_args": connect_args}
    return {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True, "poolclass": BoundedQueuePool,
            "pool_timeout": (bounds or DatabaseBounds()).pool_timeout, "connect_args": connect_args}


def make_engine(url: str, bounds: DatabaseBounds | None = None) -> Engine:
    if url.startswith("postgres://"):
        raise ValueError("use postgresql+psycopg://, not postgres:// (SQLAlchemy refuses it)")
    engine = create_engine(url, **engine_options(url, bounds=bounds))
    if engine.dialect.name == "postgresql":
        busy_errors_as_unavailable(engine)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


class UnitOfWork:
    """One transaction's worth of work: the session, the outbox and the inbox.

    Events recorded by aggregates in the session (``RecordsEvents``), and
    events given to :meth:`record`, are validated against their marshmallow
    schema and written to ``outbox_messages`` in the same commit as the state
    change; the relay publishes them afterwards.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        event_schemas: Mapping[str, type[Schema]],
        context: Mapping[str, Any] | None = None,
        on_commit: Callable[[], None] | None = None,
    ):
        self._session_factory = session_factory
        self._event_schemas = event_schemas
        self._context = {k: v for k, v in (context or {}).items() if k in ("request_id", "call_id_stack")}
        self._on_commit = on_commit or (lambda: None)
        self._session: Session | None = None
        self._pending_events: list[DomainEvent] = []
        # While a request with an Idempotency-Key runs, its commits are held here and made with
        # the request's answer (services/chassis/idempotency.py).
        self.hold = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self._session_factory()
        return self._session

    def record(self, event_type: str, occurred_at=None, **data: Any) -> None:
        """Record an event not owned by an aggregate; written to the outbox on commit."""
        self._pending_events.append(DomainEvent(event_type, data, occurred_at))

    def commit(self) -> list[dict[str, Any]]:
        """Commit the state change and its events together; returns the event payloads written."""
        events = list(self._pending_events)
        self._pending_events.clear()
        session = self.session
        for obj in list(session.new) + list(session.identity_map.values()):
            drain = getattr(obj, "drain_events", None)
            if drain is not None:
                events.extend(drain())
        payloads = [self._write_outbox(event) for event in events]
        if self.hold is not None:  # a request with an Idempotency-Key: committed later, with its answer
            self.hold.commit_requested(wrote_events=bool(payloads))
            return payloads
        self.commit_now(bool(payloads))
        return payloads

    def commit_now(self, wrote_events: bool) -> None:
        """The commit itself (and the relay woken when it wrote events)."""
        self.session.commit()
        if wrote_events:
            self._on_commit()

    def release(self) -> None:
        """End the transaction, keeping what was read, and give the connection back to the pool.

        For slow work between reading and writing (a password hash: ~35 ms of argon2): on SQLite
        a process has one connection, which every other worker would wait for (REVIEW R16).
        Nothing may be pending (it would be committed half-way); under an Idempotency-Key's hold
        the transaction must stay open to commit with the answer, so nothing is released then.
        """
        if self._session is None or self.hold is not None:
            return
        if self._pending_events or self._session.new or self._session.dirty or self._session.deleted:
            raise RuntimeError("release() with changes pending: commit or roll them back first")
        self._session.commit()

    def rollback(self) -> None:
        if self.hold is not None:
            self.hold.rollback_requested()
        self._pending_events.clear()
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        self._pending_events.clear()
        if self._session is not None:
            self._session.close()  # rolls back anything not committed
            self._session = None

    # -- inbox -----------------------------------------------------------------
    def already_handled(self, event_id: str, handler: str) -> bool:
        row = self.session.execute(
            select(inbox_messages.c.event_id).where(
                inbox_messages.c.event_id == event_id, inbox_messages.c.handler == handler
            )
        ).first()
        return row is not None

    def mark_handled(self, event_id: str, handler: str) -> None:
        """Claim the event in this transaction; a concurrent duplicate fails its commit on the key."""
        self.session.execute(
            insert(inbox_messages).values(event_id=event_id, handler=handler, received_at=utcnow())
        )

    def ping(self) -> None:
        self.session.execute(text("SELECT 1"))
        self.session.rollback()

    # -- outbox ----------------------------------------------------------------
    def _write_outbox(self, event: DomainEvent) -> dict[str, Any]:
        try:
            schema = self._event_schemas[event.type]()
        except KeyError:
            raise LookupError(f"no schema registered for event {event.type!r}") from None
        now = utcnow()
        envelope = {
            "event_id": str(uuid.uuid4()),
            "occurred_at": (event.occurred_at or now).isoformat(),
            "schema_version": schema.VERSION,
            **event.data,
        }
        # Validate here, at the producer: a payload that breaks its contract is a bug
        # and must fail the transaction, not a consumer far away.
        payload = schema.dump(schema.load(envelope))
        self.session.execute(
            insert(outbox_messages).values(
                event_id=payload["event_id"],
                event_type=event.type,
                payload=json.dumps(payload),
                headers=json.dumps(self._context),
                created_at=now,
                next_attempt_at=now,
                attempts=0,
            )
        )
        return payload


class Database(DependencyProvider):
    """Engine per service (set up once), a :class:`UnitOfWork` per worker, the outbox relay and
    the outbox/inbox pruner.

    The relay runs as a managed greenthread of the container: it is woken right
    after a commit that wrote events, and polls as a safety net (rows left by a
    crash, rows whose publish failed and wait for their back-off). The pruner removes
    sent outbox rows and inbox rows past their retention (``RETENTION``), hourly.
    """

    def __init__(self, event_schemas: Mapping[str, type[Schema]] | None = None):
        self.event_schemas = dict(event_schemas or {})
        self.engine: Engine | None = None
        self.sessions = None
        self.relay = None
        self._relay_thread = None
        self.pruner = None
        self._pruner_thread = None
        self._units: "weakref.WeakKeyDictionary[Any, UnitOfWork]" = weakref.WeakKeyDictionary()

    def setup(self) -> None:
        from services.chassis.outbox import OutboxRelay  # the relay needs nameko's publisher

        config = self.container.config
        service = self.container.service_name
        url = config["DATABASE_URLS"][service]
        self.engine = make_engine(url, DatabaseBounds.from_config(config))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        relay_options = dict(config.get("OUTBOX_RELAY", {}))
        self.relay_enabled = relay_options.pop("enabled", True)
        self.relay = OutboxRelay(self.sessions, service, config["AMQP_URI"],
                                 declare_exchange=declares_topology(config), **relay_options)
        self.pruner = Pruner(self.sessions, Retention.from_config(config.get("RETENTION", {})))

    def start(self) -> None:
        if self.relay_enabled:
            self._relay_thread = self.container.spawn_managed_thread(self.relay.run)
        self._pruner_thread = self.container.spawn_managed_thread(self.pruner.run)

    def stop(self) -> None:
        if self._pruner_thread is not None:
            self.pruner.stop()
            self._pruner_thread.wait()
            self._pruner_thread = None
        # Let the relay finish the batch it is publishing, then one last pass.
        if self._relay_thread is not None:
            self.relay.stop()
            self._relay_thread.wait()
            self._relay_thread = None
        if self.engine is not None:
            self.engine.dispose()

    def kill(self) -> None:
        for thread in (self._relay_thread, self._pruner_thread):
            if thread is not None:
                thread.kill()
        self._relay_thread = self._pruner_thread = None

    def get_dependency(self, worker_ctx) -> UnitOfWork:
        uow = UnitOfWork(
            self.sessions,
            self.event_schemas,
            context=worker_ctx.context_data,
            on_commit=self.relay.kick,
        )
        self._units[worker_ctx] = uow
        return uow

    def worker_teardown(self, worker_ctx) -> None:
        uow = self._units.pop(worker_ctx, None)
        if uow is not None:
            uow.close()
