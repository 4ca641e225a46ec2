"""Password hashing with argon2id (argon2-cffi), off the eventlet hub.

Parameters are OWASP's minimum for argon2id (m=19 MiB, t=2, p=1); a hash
costs ~33 ms here and would stall every worker of the process if run on the
hub, so it runs in eventlet's native thread pool.
"""
from functools import cached_property

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

_argon2 = Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


class PasswordHasher:
    def hash(self, password: str) -> str:
        return tpool.execute(_argon2.hash, password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            return False
        try:
            return tpool.execute(_argon2.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def dummy_hash(self) -> str:
        """Verified against when there is no account, so that both cases cost the same."""
        return self.hash("no account has this password, it only spends the same time")
