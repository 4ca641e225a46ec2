"""Idempotency-Key: an unsafe request sent again gets the first answer, and its effect happens once.

The gateway (``gateway/idempotency.py``) checks the header of every unsafe route and passes the
key on in the worker context (:data:`IDEMPOTENCY_CONTEXT_KEY`, beside the signed identity) with a
fingerprint of the request: method, route template, path parameters, query and body (for a
multipart body, each part's digest), an HMAC, so that the stored value reveals nothing of a body
with a password in it. A service method marked :func:`idempotent` then runs under an
:class:`Attempt`:

* A row for (caller, key) -- for anonymous routes (route, key) -- is looked up first. Another
  fingerprint: 422 ``idempotency-key-reused``. The same: its answer again, nothing run.
* Otherwise the use case runs with its commits *held* (``UnitOfWork.hold``): its first commit
  inserts the key's row, in the same transaction as the effect, and flushes; the answer (the
  method's result) is written to that row and everything is committed together when the method
  returns. No answer is ever lost between an effect and its row.
* A second attempt that runs while the first is still working does the work too but cannot
  commit it: its insert of the same key waits for the first transaction (PostgreSQL's unique
  index; SQLite has one writer) and then fails, or the effect it meets (a purchased cart) makes
  it fail. Either way its transaction is rolled back, the row is looked up again, and it answers
  with the first attempt's answer -- also after the gateway gave up on the first (504) while its
  worker still committed (REVIEW R6).
* A request that fails (any error) stores nothing: the client may correct it and send it again
  with the same key. What the use case committed before failing (e.g. a checkout's stale-price
  marks) is still committed, as without a key.

Rows expire after ``IDEMPOTENCY_TTL_HOURS`` (24 h) and the retention pass removes them.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

import eventlet
from kombu.utils.json import dumps as wire_dumps
from kombu.utils.json import loads as wire_loads
from nameko.extensions import DependencyProvider
from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from services.chassis.domain import utcnow
from services.chassis.errors import Invalid, ServiceUnavailable
from services.chassis.tables import idempotency_keys as keys

log = logging.getLogger(__name__)

IDEMPOTENCY_CONTEXT_KEY = "idempotency"
HEADER = "Idempotency-Key"
DEFAULT_TTL_HOURS = 24.0
KEY_MIN, KEY_MAX = 8, 100


class IdempotencyKeyReused(Invalid):
    problem = "idempotency-key-reused"
    title = "This Idempotency-Key was already used for another request."


def key_problem(detail: str) -> Invalid:
    return Invalid(detail, fields={HEADER: [f"{KEY_MIN} to {KEY_MAX} visible ASCII characters, e.g. a UUID."]})


def valid_key(key: str) -> bool:
    return KEY_MIN <= len(key) <= KEY_MAX and all("\x21" <= c <= "\x7e" for c in key)


@dataclass(frozen=True)
class KeyedRequest:
    """What the gateway passes on: the key, the request's fingerprint, its route and success status."""

    key: str
    fingerprint: str
    route: str
    status: int

    def encode(self) -> str:
        # One string: nameko carries context values as AMQP headers.
        return json.dumps({"key": self.key, "fingerprint": self.fingerprint, "route": self.route,
                           "status": self.status})

    @classmethod
    def decode(cls, value: str | None) -> "KeyedRequest | None":
        if not value:
            return None
        data = json.loads(value)
        if not valid_key(data["key"]):
            raise key_problem("The Idempotency-Key is not valid.")
        return cls(data["key"], data["fingerprint"], data["route"], int(data["status"]))


class Attempt:
    """One run of a keyed request against its service's database (see the module docstring)."""

    def __init__(self, uow, scope: str, request: KeyedRequest, fingerprint: str, ttl: timedelta, wait: float):
        self.uow, self.scope, self.request, self.fingerprint = uow, scope, request, fingerprint
        self.ttl, self.wait = ttl, wait
        self.held = False  # flushed work (and the key's row) waiting for the answer
        self.claimed = False  # the key's row is written (in the held transaction, or committed)
        self.claim_committed = False
        self.wrote_events = False

    @property
    def _this_key(self):
        return and_(keys.c.scope == self.scope, keys.c.key == self.request.key)

    # -- before: has this key been answered? ---------------------------------------------------
    def stored(self) -> tuple[bool, Any]:
        """(True, answer) when the key was answered for this request; (False, None) when it is free.
        Another request's key: 422. A row still without an answer (its first attempt committed part
        of its work and is finishing): waited for, at most ``wait`` seconds."""
        deadline = time.monotonic() + self.wait
        session = self.uow.session
        while True:
            row = session.execute(select(keys.c.fingerprint, keys.c.status, keys.c.answer)
                                  .where(self._this_key, keys.c.expires_at > utcnow())).first()
            session.rollback()  # a fresh snapshot next time, and the connection back to the pool
            if row is None:
                return False, None
            if row.fingerprint != self.fingerprint:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was used for a different request (another route, address or body); "
                    "use a new key for a new request.", fields={HEADER: ["Already used for another request."]})
            if row.status is not None:
                return True, wire_loads(row.answer)
            if time.monotonic() >= deadline:
                raise ServiceUnavailable("The first request with this Idempotency-Key is still running; "
                                         "send it again in a moment.", extra={"retry_after": 2})
            eventlet.sleep(0.1)

    # -- during: the use case's commits and rollbacks (UnitOfWork.hold) ------------------------
    def commit_requested(self, wrote_events: bool) -> None:
        session = self.uow.session
        try:
            if not self.claimed:
                now = utcnow()
                with session.no_autoflush:  # the key first: a second attempt stops here, before its effect
                    session.execute(delete(keys).where(self._this_key, keys.c.expires_at <= now))
                    session.execute(insert(keys).values(scope=self.scope, key=self.request.key,
                                                        fingerprint=self.fingerprint, created_at=now,
                                                        expires_at=now + self.ttl))
            session.flush()
        except Exception:
            # As a failed commit: this transaction is lost (a concurrent attempt's key, a constraint).
            self.held, self.claimed = False, self.claim_committed
            raise
        self.claimed = self.held = True
        self.wrote_events = self.wrote_events or wrote_events

    def rollback_requested(self) -> None:
        """A rollback after a held commit would undo what the use case meant to keep: commit that
        first (the key's row with it, still without its answer), then let the rollback run."""
        if self.held:
            self._commit()
            self.claim_committed = True

    def _commit(self) -> None:
        self.uow.commit_now(self.wrote_events)
        self.held = self.wrote_events = False

    # -- after ---------------------------------------------------------------------------------
    def succeeded(self, result: Any) -> None:
        """Write the answer with the held work, in one commit."""
        session, answer = self.uow.session, wire_dumps(result)
        if self.claimed:
            session.execute(update(keys).where(self._this_key).values(status=self.request.status, answer=answer))
        else:  # nothing was committed (nothing to change): the answer alone
            now = utcnow()
            session.execute(delete(keys).where(self._this_key, keys.c.expires_at <= now))
            session.execute(insert(keys).values(scope=self.scope, key=self.request.key, fingerprint=self.fingerprint,
                                                status=self.request.status, answer=answer, created_at=now,
                                                expires_at=now + self.ttl))
        self.held = True
        self._commit()

    def failed(self) -> None:
        """Keep what the use case committed (as without a key), but not the key: nothing is replayed."""
        session = self.uow.session
        if not (self.held or self.claim_committed):
            session.rollback()
            return
        try:
            session.execute(delete(keys).where(self._this_key))  # this attempt's row, committed or not
            self.held = True
            self._commit()
        except Exception:  # the request's own error is what the caller needs to hear
            log.exception("could not keep what a failed request with an Idempotency-Key committed")
            session.rollback()


def forget_caller(session, customer_id: str) -> int:
    """Erasure: the stored answers of a customer's requests go (they hold what was erased), also those
    of the anonymous routes that answered with this customer (a registration, an activation)."""
    mentioned = and_(keys.c.scope.like("anonymous %"), keys.c.answer.contains(f'"{customer_id}"'))
    return session.execute(delete(keys).where(or_(keys.c.scope == customer_id, mentioned))).rowcount


class Idempotency(DependencyProvider):
    """The worker's keyed request, if the gateway sent one. It is taken out of the worker context,
    so calls this worker makes to other services do not carry it."""

    def setup(self) -> None:
        config = self.container.config
        self.ttl = timedelta(hours=float(config.get("IDEMPOTENCY_TTL_HOURS", DEFAULT_TTL_HOURS)))
        self.wait = float(config.get("RPC_TIMEOUT", 10))

    def get_dependency(self, worker_ctx) -> "KeyedWorker":
        raw = worker_ctx.data.pop(IDEMPOTENCY_CONTEXT_KEY, None)
        return KeyedWorker(raw, self.ttl, self.wait, self.container.service_name)


class KeyedWorker:
    def __init__(self, raw: str | None, ttl: timedelta, wait: float, service_name: str):
        self.raw, self.ttl, self.wait, self.service_name = raw, ttl, wait, service_name

    def run(self, service, method_name: str, call: Callable[[], Any]) -> Any:
        request = KeyedRequest.decode(self.raw)
        if request is None:
            return call()
        identity = service.caller.identity  # as the gateway signed it; None on anonymous routes
        scope = identity.customer_id if identity is not None else f"anonymous {request.route}"
        # The service method is part of the fingerprint: one key, one operation.
        fingerprint = hashlib.sha256(f"{self.service_name}.{method_name}\n{request.fingerprint}".encode()).hexdigest()
        uow = service.db
        attempt = Attempt(uow, scope, request, fingerprint, self.ttl, self.wait)
        found, answer = attempt.stored()
        if found:
            return answer
        uow.hold = attempt
        try:
            result = call()
        except Exception:
            uow.hold = None
            attempt.failed()
            found, answer = attempt.stored()  # a concurrent first attempt may have answered meanwhile
            if found:
                return answer
            raise
        except BaseException:
            uow.hold = None
            raise
        uow.hold = None
        try:
            attempt.succeeded(result)
        except IntegrityError:  # answered without writing, and a concurrent attempt was first
            uow.session.rollback()
            found, answer = attempt.stored()
            if found:
                return answer
            raise
        return result


def idempotent(method: Callable) -> Callable:
    """Mark an RPC method that changes something: with a key from the gateway it runs at most once
    per key and answers the same every time. The service needs ``db``, ``caller`` and
    ``idempotency`` (``ServiceBase`` has the last)."""

    @functools.wraps(method)
    def keyed(self, *args, **kwargs):
        return self.idempotency.run(self, method.__name__, lambda: method(self, *args, **kwargs))

    # nameko checks calls against the signature and finds sensitive arguments by name (getcallargs,
    # which does not follow __wrapped__): the wrapper must show the method's own.
    keyed.__signature__ = inspect.signature(method)
    keyed.idempotent = True
    return keyed
