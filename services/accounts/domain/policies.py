"""Accounts rules as pure functions: passwords, tokens, login throttling."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from zxcvbn import zxcvbn

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


@dataclass(frozen=True)
class ThrottleRule:
    max_failures: int
    window: timedelta
    lockout: timedelta


# Per typed identifier (the same for existing and unknown accounts, so the
# limit reveals nothing) and per client address.
ACCOUNT_RULE = ThrottleRule(max_failures=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
ADDRESS_RULE = ThrottleRule(max_failures=20, window=timedelta(minutes=15), lockout=timedelta(minutes=15))


class Throttle:
    """Failed attempts for one key within a window; locked after too many."""

    def __init__(self, key: str, failures: int = 0, window_started_at: datetime | None = None,
                 locked_until: datetime | None = None):
        self.key = key
        self.failures = failures
        self.window_started_at = window_started_at
        self.locked_until = locked_until

    def retry_after(self, now: datetime) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        if self.locked_until and self.locked_until > now:
            return max(1, int((self.locked_until - now).total_seconds() + 0.999))
        return 0

    def fail(self, rule: ThrottleRule, now: datetime) -> None:
        if self.window_started_at is None or now - self.window_started_at > rule.window:
            self.window_started_at, self.failures = now, 0
        self.failures += 1
        if self.failures >= rule.max_failures:
            self.locked_until = now + rule.lockout

    def clear(self) -> None:
        self.failures, self.window_started_at, self.locked_until = 0, None, None
