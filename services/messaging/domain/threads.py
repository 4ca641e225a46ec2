"""The desk: threads between one customer and the shop's staff, and their messages.

States (DESIGN.md): open -> answered (staff replied) -> open (the customer
wrote again) -> ... -> closed (by staff). Closed is final: a closed thread
takes no more messages; the customer starts a new one.

Read markers are two counters on the thread, one per side: a message raises
the other side's unread count, reading sets the reader's own to zero. They
answer "how many unread" in the overview without counting rows.

Who hears about a message, and when, is decided here (``Alerts``), so that
the rules are tested without mail:

* staff get one alert per thread until someone on staff answers it, not one
  per customer message;
* the customer gets one "a reply is waiting" mail per batch of staff replies:
  the first staff message they have not read yet sends it, the ones after it
  (still unread) do not.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from services.messaging.domain.errors import MessageInvalid, ThreadClosed
from services.messaging.domain.policies import BODY_MAX_CHARS, check_body, first_response_due, subject_of

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
STATUSES = (OPEN, ANSWERED, CLOSED)
CUSTOMER, STAFF = "customer", "staff"
GENERAL, ORDER, RMA = "general", "order", "rma"
ERASED_TEXT = "[erased at the customer's request]"


@dataclass(frozen=True)
class Contact:
    """How to reach the customer, as accounts knew it when they last wrote."""

    email: str | None
    language: str | None = None


@dataclass(frozen=True)
class Alerts:
    staff: bool = False  # the staff inbox must hear that this thread waits for an answer
    customer: bool = False  # the customer must hear that a reply waits in the customer area


class Message:
    def __init__(self, *, position: int, author: str, author_id: str, body: str, now: datetime):
        self.id = str(uuid.uuid4())
        self.position = position
        self.author = author
        self.author_id = author_id
        self.body = body
        self.created_at = now


class Thread:
    def __init__(self, *, customer_id: str, subject: str, contact: Contact, now: datetime,
                 context_type: str = GENERAL, context_ref: str | None = None, response_hours: int | None = None):
        self.id = str(uuid.uuid4())
        self.customer_id = customer_id
        self.customer_email = contact.email
        self.customer_language = contact.language
        self.context_type = context_type
        self.context_ref = context_ref
        self.subject = subject
        self.status = OPEN
        self.assigned_to: str | None = None
        self.created_at = now
        self.last_activity_at = now
        self.first_response_due_at = (first_response_due(now) if response_hours is None
                                      else first_response_due(now, response_hours))
        self.first_response_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.message_count = 0
        self.customer_unread = 0
        self.staff_unread = 0
        self.staff_alerted = False
        self.messages: list[Message] = []

    @classmethod
    def open(cls, customer_id: str, body: str, contact: Contact, now: datetime, context_type: str = GENERAL,
             context_ref: str | None = None, max_chars: int = BODY_MAX_CHARS,
             response_hours: int | None = None) -> tuple["Thread", Message, Alerts]:
        text = _checked(body, max_chars)
        thread = cls(customer_id=customer_id, subject=subject_of(text), contact=contact, now=now,
                     context_type=context_type, context_ref=context_ref, response_hours=response_hours)
        message, alerts = thread.customer_writes(text, contact, now, max_chars)
        return thread, message, alerts

    # -- writing -------------------------------------------------------------------------
    def customer_writes(self, body: str, contact: Contact, now: datetime,
                        max_chars: int = BODY_MAX_CHARS) -> tuple[Message, Alerts]:
        message = self._append(CUSTOMER, self.customer_id, body, now, max_chars)
        # The address accounts gave just now is the one to use from now on.
        self.customer_email, self.customer_language = contact.email, contact.language
        self.staff_unread += 1
        self.status = OPEN
        alert_staff = not self.staff_alerted
        self.staff_alerted = True
        return message, Alerts(staff=alert_staff)

    def staff_writes(self, staff_id: str, body: str, now: datetime,
                     max_chars: int = BODY_MAX_CHARS) -> tuple[Message, Alerts]:
        message = self._append(STAFF, staff_id, body, now, max_chars)
        first_unread = self.customer_unread == 0
        self.customer_unread += 1
        self.staff_unread = 0  # whoever answers has read the thread
        self.status = ANSWERED
        self.staff_alerted = False  # the customer's next message alerts staff again
        if self.first_response_at is None:
            self.first_response_at = now
        return message, Alerts(customer=first_unread and bool(self.customer_email))

    def _append(self, author: str, author_id: str, body: str, now: datetime, max_chars: int) -> Message:
        if self.status == CLOSED:
            raise ThreadClosed("This thread is closed.", extra={"thread_id": self.id})
        text = _checked(body, max_chars)  # before any change: a refused message leaves no trace
        self.message_count += 1
        message = Message(position=self.message_count, author=author, author_id=author_id, body=text, now=now)
        self.messages.append(message)
        self.last_activity_at = now
        return message

    # -- reading and handling ------------------------------------------------------------
    def read_by_customer(self) -> None:
        self.customer_unread = 0

    def read_by_staff(self) -> None:
        self.staff_unread = 0

    def assign(self, staff_id: str | None) -> None:
        self.assigned_to = staff_id

    def close(self, now: datetime) -> None:
        """Close the thread; closing a closed thread changes nothing."""
        if self.status != CLOSED:
            self.status = CLOSED
            self.closed_at = now
            self.staff_alerted = False

    def is_overdue(self, now: datetime) -> bool:
        """Still waiting for its first staff answer after the deadline (a closed thread waits for nothing)."""
        return self.status != CLOSED and self.first_response_at is None and now >= self.first_response_due_at

    def seen_by_staff(self, now: datetime) -> "StaffView":
        return StaffView(self, self.is_overdue(now))

    # -- privacy -------------------------------------------------------------------------
    def erase(self, now: datetime) -> None:
        """The customer was erased: every text and their address go; the thread stays, closed, for the counts."""
        self.subject = ERASED_TEXT
        self.customer_email = None
        self.customer_language = None
        for message in self.messages:
            message.body = ERASED_TEXT
        self.close(now)


@dataclass(frozen=True)
class StaffView:
    """A thread as the staff inbox shows it at one moment: the thread, plus whether it is overdue then."""

    thread: Thread
    overdue: bool

    def __getattr__(self, name):
        return getattr(self.thread, name)


def _checked(body: str, max_chars: int) -> str:
    text, problem = check_body(body, max_chars)
    if problem:
        raise MessageInvalid(problem, fields={"body": [problem]})
    return text
