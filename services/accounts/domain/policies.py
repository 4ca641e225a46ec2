"""Accounts rules as pure functions: passwords, tokens, login throttling and rate limits."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from zxcvbn import zxcvbn

from services.chassis.throttling import Throttle as ChassisThrottle
from services.chassis.throttling import ThrottleRule

PASSWORD_MIN, PASSWORD_MAX = 12, 128
ZXCVBN_MAX_LENGTH = 72
MIN_PASSWORD_SCORE = 3  # zxcvbn 0..4; below 3 are common or easily guessed passwords

SESSION_LIFETIME = timedelta(hours=12)
RESET_TOKEN_LIFETIME = timedelta(minutes=30)
ACTIVATION_TOKEN_LIFETIME = timedelta(days=7)


def password_problems(password: str, *personal: str) -> list[str]:
    """Why a password may not be used (empty when it may)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return [f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."]
    # zxcvbn reads at most 72 characters (more is a ValueError); the first 72 of a longer one are scored.
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[p for p in personal if p])["score"] < MIN_PASSWORD_SCORE:
        return ["This password is too common or too easy to guess."]
    return []


def new_secret_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are stored as digests: a leaked table gives nobody a working token."""
    return hashlib.sha256(token.encode()).hexdigest()


# Failed logins (only failures count) per typed identifier -- the same for existing and unknown
# accounts, so the limit reveals nothing -- and per client address, see LoginThrottles.
ACCOUNT_RULE = ThrottleRule(max_attempts=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
ADDRESS_RULE = ThrottleRule(max_attempts=20, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
FIRST_ADDRESS_DELAY = timedelta(seconds=1)  # after the first failure past an address's budget; doubles
# ... up to this: what a colleague who never failed from a sprayed address waits at most. Longer
# would keep an office's new logins waiting minutes for one attacker behind its NAT; the attacker
# still gets one guess per GATE_MAX_DELAY at most, and each account still locks on its own.
GATE_MAX_DELAY = timedelta(seconds=30)


@dataclass
class LoginThrottles:
    """The counters a login attempt is judged by; ``pair``, ``address`` and ``gate`` only with a client address.

    One address is often a whole office behind one NAT, so an address over its failure budget
    does not refuse everybody (issue 16, item 6). Brute force stays expensive all the same:

    * an identifier locks after ``ACCOUNT_RULE`` failures, from wherever they came (``identifier``);
    * once the address has failed ``ADDRESS_RULE`` times, an identifier that already failed *from
      this address* (``pair``) is refused until the address's lock ends, even a right guess;
    * an identifier new at the address may still try, but each failure past the budget closes
      that door for a delay that doubles (1 s, 2 s, 4 s ... up to ``GATE_MAX_DELAY``: ``gate``),
      so spraying one password over many accounts gets about one guess per 30 s;
    * a colleague who never failed from here logs in with the right password: at worst after
      the delay (30 s), and not at all delayed by one colleague mistyping their own password.
      One who mistyped even once from here waits out the address's lock like the attacker.
    """

    identifier: Throttle
    pair: Throttle | None = None
    address: Throttle | None = None
    gate: Throttle | None = None

    def retry_after(self, now: datetime) -> int:
        waits = [self.identifier.retry_after(now)]
        over_budget = self.address is not None and self.address.retry_after(now)
        if over_budget:
            failed_here = self.pair.counted(ACCOUNT_RULE, now) > 0
            waits.append(self.address.retry_after(now) if failed_here else self.gate.retry_after(now))
        return max(waits)

    def failed(self, now: datetime) -> list[Throttle]:
        """Counts one failure; returns the counters to store."""
        self.identifier.fail(ACCOUNT_RULE, now)
        if self.address is None:
            return [self.identifier]
        self.pair.fail(ACCOUNT_RULE, now)
        self.address.fail(ADDRESS_RULE, now)
        beyond = self.address.failures - ADDRESS_RULE.max_failures
        if beyond > 0:
            delay = FIRST_ADDRESS_DELAY * 2 ** min(beyond - 1, 20)
            self.gate.locked_until = now + min(delay, GATE_MAX_DELAY)
        return [self.identifier, self.pair, self.address, self.gate]

    def reserve(self, now: datetime) -> "Reservation":
        """Counts the attempt as a failure *before* its password is checked, so that parallel
        guesses cannot all be checked against the same count (REVIEW R8): exactly the budget is
        ever checked. :meth:`succeeded` gives the address's share back when the password was right."""
        address_before = self.address.locked_until if self.address is not None else None
        gate_before = self.gate.locked_until if self.gate is not None else None
        self.failed(now)
        if self.address is None:
            return Reservation()
        return Reservation(self.address.window_started_at, address_before, self.address.locked_until,
                           gate_before, self.gate.locked_until)

    def succeeded(self, reservation: "Reservation | None" = None) -> None:
        """The identifier proved itself; the address's counters are not cleared (one good account
        of the attacker's own must not wipe their failures out), only this attempt's reservation
        is taken back from them -- where nobody changed them since."""
        self.identifier.clear()
        if self.pair is not None:
            self.pair.clear()
        if reservation is None or self.address is None or reservation.address_window is None:
            return
        if self.address.window_started_at == reservation.address_window and self.address.failures > 0:
            self.address.failures -= 1
        if self.address.locked_until == reservation.address_locked_after:
            self.address.locked_until = reservation.address_locked_before
        if self.gate.locked_until == reservation.gate_locked_after:
            self.gate.locked_until = reservation.gate_locked_before


@dataclass(frozen=True)
class Reservation:
    """What :meth:`LoginThrottles.reserve` changed at the address, to be given back on success."""

    address_window: datetime | None = None
    address_locked_before: datetime | None = None
    address_locked_after: datetime | None = None
    gate_locked_before: datetime | None = None
    gate_locked_after: datetime | None = None


class Throttle(ChassisThrottle):
    """Accounts' throttles (failed logins, reset requests, registrations): rows of ``login_throttles``."""


@dataclass(frozen=True)
class RateLimits:
    """Every attempt counts. Reset links per target and per client (a mailbox cannot be flooded,
    addresses cannot be probed in bulk); registrations per client (no account farming)."""

    reset_per_target: ThrottleRule = ThrottleRule.per(3, 15 * 60)
    reset_per_address: ThrottleRule = ThrottleRule.per(10, 15 * 60)
    registration_per_address: ThrottleRule = ThrottleRule.per(50, 60 * 60)

    @classmethod
    def from_config(cls, config: dict) -> "RateLimits":
        """From the ``RATE_LIMITS`` config section, e.g. ``{"registration_per_address": {"max_attempts": 5}}``."""
        section, defaults = config.get("RATE_LIMITS") or {}, cls()
        return cls(**{name: ThrottleRule.from_config(section.get(name), getattr(defaults, name))
                      for name in cls.__dataclass_fields__})
