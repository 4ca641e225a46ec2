"""The notification sender: delivers pending notifications through their channel's transport.

The same shape as the outbox relay (``services/chassis/outbox.py``), and for
the same reasons. One pass (:meth:`NotificationSender.deliver_once`) has
three short steps, and no database transaction stays open while a transport
talks to a server:

1. claim: due, pending notifications that no other sender holds get a lease;
2. send each through its channel's transport;
3. record each result in its own transaction: sent only once the server
   accepted the message; a failure counts an attempt and backs off
   (``backoff_seconds``, at most 60 s). Only refusals of the message itself
   count toward ``MAX_REFUSALS`` (then the notification is failed); a channel
   that is down is retried for as long as it is down (``domain/model.py``).

A crash between 2 and 3 leaves the lease to expire and the message is sent
again: delivery is at-least-once (the Message-ID stays the same). The database
away for a moment in step 3 is not such a crash: the result is written again
after a short wait (``RECORD_RETRY_DELAYS``, well inside the lease), or the
accepted mail would go out a second time when the lease ran out.

A message that carries a single-use link (a reset, an invitation) gets it from
accounts in step 2, right before it is sent (``links``, see
``adapters/links.py``): each try a new one, never stored. A link accounts no
longer issues cancels the message; accounts out of reach defers it like a
channel that is down, and the rest of the pass asks no more.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from typing import Callable, Mapping

import eventlet
from sqlalchemy import exc as sa_exc

from services.chassis.domain import Clock, utcnow
from services.chassis.errors import DatabaseBusy, DatabaseUnavailable
from services.chassis.loops import WakeableLoop
from services.chassis.outbox import backoff_seconds
from services.messaging.adapters.links import LinksUnavailable
from services.messaging.adapters.repositories import Notifications
from services.messaging.adapters.transport import ChannelDown, Transport
from services.messaging.domain.model import LinkWithdrawn, Notification, Outgoing

log = logging.getLogger(__name__)

# Waits before writing a result again when the database refused it (a restart, a full pool, a lock
# timeout): 15.5 s in all, far inside the 120 s lease.
RECORD_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
TRANSIENT_DATABASE_ERRORS = (DatabaseBusy, DatabaseUnavailable, sa_exc.OperationalError, sa_exc.InterfaceError)


class NotificationSender(WakeableLoop):
    what = "notification pass"

    def __init__(
        self,
        session_factory,
        transports: Mapping[str, Transport],
        links=None,
        clock: Clock = utcnow,
        backoff: Callable[[int], float] = backoff_seconds,
        poll_interval: float = 1.0,
        batch_size: int = 20,
        lease_seconds: float = 120.0,
    ):
        super().__init__(poll_interval, batch_size)
        self.session_factory = session_factory
        self.transports = dict(transports)
        self.links = links  # issue(kind, link_id) -> URL: accounts' single-use links (adapters/links.py)
        self.clock = clock
        self.backoff = backoff
        # Longer than a batch can take (batch_size mails, each bounded by the
        # SMTP timeout), or another replica could claim a row being sent.
        self.lease = timedelta(seconds=lease_seconds)

    def run_once(self) -> int:
        return self.deliver_once()

    # -- one pass ----------------------------------------------------------------
    def deliver_once(self) -> int:
        """Send what is due; returns how many notifications were claimed."""
        claimed = self.claim()
        by_channel: dict[str, list[Notification]] = defaultdict(list)
        for notification in claimed:
            by_channel[notification.channel].append(notification)
        for channel, batch in by_channel.items():
            self._deliver(channel, batch)
        return len(claimed)

    def claim(self) -> list[Notification]:
        now = self.clock()
        with self.session_factory() as session, session.begin():
            return Notifications(session).claim_due(now, now + self.lease, self.batch_size)

    def _deliver(self, channel: str, batch: list[Notification]) -> None:
        transport = self.transports.get(channel)
        if transport is None:
            # A configuration gap, not a fault of these messages: they wait
            # (backing off) for a restart with the transport configured.
            for notification in batch:
                self._failed(notification, f"no transport configured for channel {channel!r}", channel_down=True)
            return
        links_down: LinksUnavailable | None = None
        with transport.session() as send:
            for index, notification in enumerate(batch):
                try:
                    outgoing = self._outgoing(notification, links_down)
                except LinkWithdrawn:
                    self._record(notification.id, lambda n, now: n.link_withdrawn(now))
                    log.info("notification %s (%s) cancelled: its link is no longer issued",
                             notification.id, notification.kind)
                    continue
                except LinksUnavailable as exc:  # not this message's fault: it waits, like a channel down
                    links_down = exc
                    self._failed(notification, f"link not issued: {exc}", channel_down=True)
                    continue
                except Exception as exc:  # accounts refused the request itself: counts as a refusal
                    log.warning("notification %s (%s): link not issued: %s", notification.id, notification.kind,
                                type(exc).__name__)
                    self._failed(notification, f"link not issued: {type(exc).__name__}: {exc}")
                    continue
                try:
                    send(outgoing)
                except ChannelDown as exc:
                    # Every notification still in this batch would meet the same
                    # closed door: they all back off together, and none of them
                    # moves closer to failing for it, except the one in flight
                    # when the channel went away (see ChannelDown.in_flight).
                    log.warning("%s channel down, %d notification(s) deferred: %s", channel, len(batch) - index, exc)
                    for waiting in batch[index:]:
                        self._failed(waiting, str(exc), channel_down=not (exc.in_flight and waiting is notification))
                    return
                except Exception as exc:  # this message only (refused recipient, a bug in one row...)
                    # The error text can quote the address: it goes to the row,
                    # which erasure can clean, and not to the log, which it cannot.
                    log.warning("notification %s (%s) not delivered: %s; see its last_error",
                                notification.id, notification.kind, type(exc).__name__)
                    self._failed(notification, f"{type(exc).__name__}: {exc}")
                else:
                    self._record(notification.id, lambda n, now: n.delivered(now))
                    log.info("notification %s (%s) sent by %s", notification.id, notification.kind, channel)

    def _outgoing(self, notification: Notification, links_down: LinksUnavailable | None) -> Outgoing:
        if notification.link_id is not None:
            if links_down is not None:
                raise links_down  # asked already in this pass, and out of reach: do not wait again
            if self.links is None:
                raise LinksUnavailable("no link source configured")
        return notification.outgoing(self.links.issue if self.links is not None else None)

    def _failed(self, notification: Notification, error: str, channel_down: bool = False) -> None:
        self._record(notification.id, lambda n, now: n.delivery_failed(error, now, self.backoff, channel_down))

    def _record(self, notification_id: str, apply: Callable[[Notification, object], None]) -> None:
        for delay in (*RECORD_RETRY_DELAYS, None):
            try:
                with self.session_factory() as session, session.begin():
                    notification = Notifications(session).get_for_update(notification_id)
                    if notification is not None:
                        apply(notification, self.clock())
                return
            except TRANSIENT_DATABASE_ERRORS as exc:
                if delay is None:
                    raise  # the pass fails; the lease runs out and the message goes again
                log.warning("notification %s: its result not written (%s); again in %gs", notification_id,
                            type(exc).__name__, delay)
                eventlet.sleep(delay)
