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
MIN_PASSWORD_SCORE = 3  # zxcvbn 0..4; below 3 are common or easily guessed passwords

SESSION_LIFETIME = timedelta(hours=12)
RESET_TOKEN_LIFETIME = timedelta(minutes=30)
ACTIVATION_TOKEN_LIFETIME = timedelta(days=7)


def password_problems(password: str, *personal: str) -> list[str]:
    """Why a password may not be used (empty when it may)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return [f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."]
    if zxcvbn(password, user_inputs=[p for p in personal if p])["score"] < MIN_PASSWORD_SCORE:
        return ["This password is too common or too easy to guess."]
    return []


def new_secret_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are stored as digests: a leaked table gives nobody a working token."""
    return hashlib.sha256(token.encode()).hexdigest()


# Per typed identifier (the same for existing and unknown accounts, so the
# limit reveals nothing) and per client address. Failures only count for logins.
ACCOUNT_RULE = ThrottleRule(max_attempts=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
ADDRESS_RULE = ThrottleRule(max_attempts=20, window=timedelta(minutes=15), lockout=timedelta(minutes=15))


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
