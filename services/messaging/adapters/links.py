"""The single-use links of resets and invitations, asked of accounts when their message is sent.

accounts publishes only the link's id; the secret is made when messaging asks for it here,
right before the transport sends the message, and goes from the reply into the outgoing
message only (``Notification.outgoing``). The reply is read without nameko's DEBUG line that
prints every reply (``call(..., secret_reply=True)``).
"""
from __future__ import annotations

from typing import Callable

from services.chassis.errors import Conflict, ServiceTimeout, ServiceUnavailable
from services.chassis.rpc import call
from services.messaging.domain.model import LinkWithdrawn


class LinksUnavailable(Exception):
    """accounts could not be asked (stopped, too slow, no broker): the message waits and tries again."""


class AccountsLinks:
    def __init__(self, proxy: Callable[[], object]):
        self.proxy = proxy  # makes a proxy to accounts; the sender runs outside any worker

    def issue(self, kind: str, link_id: str) -> str:
        try:
            issued = call(self.proxy(), "internal_issue_link", kind, link_id, secret_reply=True)
        except Conflict as exc:  # accounts' link-unavailable: used, expired or replaced
            raise LinkWithdrawn(str(exc)) from None
        except (ServiceUnavailable, ServiceTimeout) as exc:
            raise LinksUnavailable(str(exc)) from None
        return issued["url"]
