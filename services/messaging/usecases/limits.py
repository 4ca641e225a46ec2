"""How many messages a customer may post: every new thread or reply counts, on any channel.

Counted before the message is written, in its own transaction (``services.chassis.throttling.spend``);
past the limit the customer gets a 429 with Retry-After and the desk hears nothing.
"""
from __future__ import annotations

from services.chassis.auth import Identity
from services.chassis.throttling import ThrottleRule, spend
from services.messaging.domain.errors import TooManyMessages
from services.messaging.domain.policies import PostingThrottle


def count_posting(uow, caller: Identity, rule: ThrottleRule, clock) -> None:
    spend(uow, PostingThrottle, [(f"post:{caller.customer_id}", rule)], clock(), error=TooManyMessages)
