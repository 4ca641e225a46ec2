"""Notifications: a text for one person on one channel, and its delivery state.

A notification is rendered once, when its event arrives, and stored with its
subject and body; the sender delivers what is stored. That keeps a retry
identical to the first try, and the stored row is what staff see later.

A password reset or an invitation carries a single-use link that opens an
account. The event names it only (``link_id``); the stored body holds
``LINK_MARKER`` where the link goes, and the sender asks accounts for the
link when it sends (:meth:`Notification.outgoing`): the link is in the
message, never in the row. Each try asks again and gets a new secret (the
one before stops working), so a retried message carries a working link.

States: pending -> sent | failed; pending -> cancelled when the customer is
erased before delivery, or when accounts no longer issues the link it carries.
A later mail of an order whose order_placed has not been handled yet (events
travel on different queues; after an outage they drain in any order) has no
address yet: waiting_for_order -> pending once the order is known, right
after its confirmation; -> cancelled if the order has no address or the
customer is erased.

Two kinds of failed try. A refusal of this one message (a rejected address,
a rejected text) counts toward ``MAX_REFUSALS``, after which the message is
failed: trying it forever would not change the answer. A channel that is
down (no connection, TLS or login refused) says nothing about the message:
such a try is counted in ``attempts`` (which drives the back-off, capped at
60 s) but never fails the notification, so mail queued during an outage of
any length goes out once the server is back.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from services.messaging.domain.templates import Rendered, render

PENDING, SENT, FAILED, CANCELLED = "pending", "sent", "failed", "cancelled"
WAITING_FOR_ORDER = "waiting_for_order"
EMAIL, SMS = "email", "sms"

# After this many refusals of the message itself it is given up and shows as failed.
MAX_REFUSALS = 10

# The notifications that carry a single-use link, and the kind of link accounts issues for each.
LINK_KINDS = {"password_reset": "reset", "employee_invitation": "activation"}
# Where the link goes in a stored body: what staff see in the notifications log.
LINK_MARKER = "[link removed]"
# A row queued before links were issued at send time (schema v1 events) holds the link itself:
# once it has reached the person, or never will, the body is replaced.
REMOVED_LINK_BODY = "[removed after delivery: it held a single-use link]"


class LinkWithdrawn(Exception):
    """accounts will not issue the link any more: used, expired, or replaced by a newer one."""


@dataclass(frozen=True)
class Outgoing:
    """What a transport sends: the stored notification, its link put in (never stored)."""

    id: str
    kind: str
    channel: str
    recipient: str
    subject: str
    body: str
    language: str
    created_at: datetime


class Notification:
    def __init__(self, *, kind: str, channel: str, recipient: str, message: Rendered, source_event_id: str,
                 created_at: datetime, customer_id: str | None = None, link_id: str | None = None):
        self.id = str(uuid.uuid4())
        self.order_number: str | None = None  # set while it waits for its order (WAITING_FOR_ORDER)
        self.customer_id = customer_id
        self.link_id = link_id  # accounts' id of the link the message carries (LINK_KINDS)
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.subject = message.subject
        self.body = message.body
        self.language = message.language
        self.source_event_id = source_event_id
        self.created_at = created_at
        self.status = PENDING
        self.attempts = 0  # every try, sent or not
        self.refusals = 0  # tries the channel refused for this message (not the channel down)
        self.next_attempt_at = created_at
        self.locked_until: datetime | None = None
        self.last_error: str | None = None
        self.sent_at: datetime | None = None

    # -- one factory per event -------------------------------------------------
    @classmethod
    def welcome(cls, event: dict, now: datetime) -> "Notification":
        template = "welcome_business" if event.get("kind") == "business" else "welcome"
        message = render(template, event.get("language"), first_name=event["first_name"],
                         customer_number=event["customer_number"])
        return cls(kind="welcome", channel=EMAIL, recipient=event["email"], message=message,
                   source_event_id=str(event["event_id"]), created_at=now, customer_id=event["customer_id"])

    @classmethod
    def password_reset(cls, event: dict, now: datetime) -> "Notification":
        # The request named SMS but no phone came with it: the e-mail address is
        # the customer's other verified way in, so the link goes there rather than nowhere.
        by_sms = event["channel"] == SMS and bool(event.get("phone"))
        message = render("password_reset_sms" if by_sms else "password_reset", event.get("language"),
                         first_name=event["first_name"], reset_url=LINK_MARKER, expires_at=event["expires_at"])
        return cls(kind="password_reset", channel=SMS if by_sms else EMAIL,
                   recipient=event["phone"] if by_sms else event["email"], message=message,
                   source_event_id=str(event["event_id"]), created_at=now, customer_id=event["customer_id"],
                   link_id=event["link_id"])

    @classmethod
    def employee_invitation(cls, event: dict, now: datetime) -> "Notification":
        message = render("employee_invitation", event.get("language"), company_name=event["company_name"],
                         invited_by=event["invited_by"], role=event["role"],
                         activation_url=LINK_MARKER, expires_at=event["expires_at"])
        return cls(kind="employee_invitation", channel=EMAIL, recipient=event["email"], message=message,
                   source_event_id=str(event["event_id"]), created_at=now,
                   customer_id=event.get("customer_id"), link_id=event["link_id"])

    # -- what is sent ------------------------------------------------------------
    def outgoing(self, issue_link: Callable[[str, str], str]) -> Outgoing:
        """The message to send now. ``issue_link(kind, link_id)`` asks accounts for the link (a new
        secret each time) and raises LinkWithdrawn when there is none to send any more.

        Every marker is replaced: one can only come from the template or from a name the
        recipient's own company typed, and the link is the recipient's own either way.
        """
        body = self.body
        if self.link_id is not None:
            body = body.replace(LINK_MARKER, issue_link(LINK_KINDS[self.kind], self.link_id))
        return Outgoing(id=self.id, kind=self.kind, channel=self.channel, recipient=self.recipient,
                        subject=self.subject, body=body, language=self.language, created_at=self.created_at)

    # -- delivery --------------------------------------------------------------
    def delivered(self, now: datetime) -> None:
        """The channel accepted the message. Recorded even if the customer was erased meanwhile: it went out."""
        self.attempts += 1
        self.status = SENT
        self.sent_at = now
        self.locked_until = None
        self._forget_secret_link()

    def delivery_failed(self, error: str, now: datetime, backoff: Callable[[int], float],
                        channel_down: bool = False) -> None:
        """Count a failed try and retry after ``backoff(attempts)`` seconds.

        A refusal of this message counts toward MAX_REFUSALS, then the
        notification is failed; a channel that is down never fails it.
        """
        if self.status != PENDING:
            return  # erased (cancelled) while the try was running: keep nothing more about it
        self.attempts += 1
        self.last_error = error[:2000]
        self.locked_until = None
        if not channel_down:
            self.refusals += 1
        if self.refusals >= MAX_REFUSALS:
            self.status = FAILED
            self._forget_secret_link()
        else:
            self.next_attempt_at = now + timedelta(seconds=backoff(self.attempts))

    def link_withdrawn(self, now: datetime) -> None:
        """accounts will not issue the link (used, expired or replaced): nothing worth sending is left."""
        if self.status != PENDING:
            return
        self.attempts += 1
        self.status = CANCELLED
        self.locked_until = None
        self.last_error = "not sent: its link was used, has expired or was replaced by a newer one"

    # -- a mail that overtook its order ------------------------------------------
    def wait_for_order(self, order_number: str, occurred_at: datetime) -> None:
        """Keep it unsent until the order's address is known (``address_to``). Until then
        ``created_at`` holds when its event happened: waiting mails are released in that order."""
        self.order_number = order_number
        self.recipient = ""
        self.status = WAITING_FOR_ORDER
        self.created_at = self.next_attempt_at = occurred_at

    def address_to(self, recipient: str | None, now: datetime) -> None:
        """The order is known now: send to its address from ``now`` on (its queue position too,
        so that it follows the confirmation), or cancel it when the order has no address."""
        if self.status != WAITING_FOR_ORDER:
            return
        if not recipient:
            self.status = CANCELLED
            self.last_error = "not sent: the order has no e-mail address"
            return
        self.recipient = recipient
        self.status = PENDING
        self.created_at = self.next_attempt_at = now

    # -- privacy ---------------------------------------------------------------
    def erase(self) -> None:
        """Remove the personal data; the row stays, so that counts and states stay true."""
        self.recipient = ""
        self.subject = ""
        self.body = ""
        self.last_error = None  # an SMTP error can quote the address
        if self.status in (PENDING, WAITING_FOR_ORDER):
            self.status = CANCELLED
            self.locked_until = None

    def _forget_secret_link(self) -> None:
        if self.kind in LINK_KINDS and self.link_id is None and self.body:  # a row from before link ids
            self.body = REMOVED_LINK_BODY
