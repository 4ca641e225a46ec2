"""Rate limits on what anybody may ask for without logging in: reset links and registrations.

Counted before the work, whatever its outcome (an unknown address, a taken e-mail), in a
transaction of their own (``services.chassis.throttling.spend``); the 429 carries Retry-After.
"""
from __future__ import annotations

from services.accounts.domain.errors import TooManyAttempts
from services.accounts.domain.policies import RateLimits, Throttle
from services.chassis.throttling import spend


def count_reset_request(uow, command: dict, client_address: str | None, limits: RateLimits, clock) -> None:
    target = f"phone:{command['phone']}" if command.get("phone") else f"email:{command['email'].strip().lower()}"
    keyed = [(f"reset:{target}", limits.reset_per_target)]
    if client_address:
        keyed.append((f"reset-address:{client_address}", limits.reset_per_address))
    spend(uow, Throttle, keyed, clock(), error=TooManyAttempts)


def count_registration(uow, client_address: str | None, limits: RateLimits, clock) -> None:
    if client_address:
        spend(uow, Throttle, [(f"register-address:{client_address}", limits.registration_per_address)], clock(),
              error=TooManyAttempts)
