"""Password hashing with argon2id (argon2-cffi), off the eventlet hub.

Parameters are OWASP's minimum for argon2id (m=19 MiB, t=2, p=1); a hash
costs ~33 ms here, and would stall every worker of the process if run on the
hub, so it runs in eventlet's native thread pool.
"""
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

_hasher = Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


class PasswordHasher:
    def hash(self, password: str) -> str:
        return tpool.execute(_hasher.hash, password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return tpool.execute(_hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
