"""What every delivery channel offers the sender, and the failures it may report.

A transport delivers a stored notification (``recipient``, ``subject``,
``body``, ...). ``session()`` yields a ``send(notification)`` callable for one
pass of the sender, so that a transport can keep one connection for a batch.
``send`` returns once the channel has accepted the message, and raises
otherwise.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator


class DeliveryFailed(Exception):
    """This one message was not accepted; others may still go through."""


class ChannelDown(DeliveryFailed):
    """The channel itself is unreachable or refuses us (connection, TLS, login):
    the rest of the batch would fail the same way, so the pass stops here.

    ``in_flight``: the channel went away while this message was being sent.
    The message may be the cause (a server that drops the connection on one
    particular mail), so the sender counts it as a refusal of that message;
    otherwise such a message, always first in line, would hold every other
    notification back for ever.
    """

    def __init__(self, message: str, in_flight: bool = False):
        super().__init__(message)
        self.in_flight = in_flight


class Transport:
    channel: str

    def send(self, notification) -> None:
        raise NotImplementedError

    @contextmanager
    def session(self) -> Iterator[Callable[[object], None]]:
        yield self.send
