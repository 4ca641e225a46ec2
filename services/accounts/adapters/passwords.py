"""Password hashing with argon2id (argon2-cffi), off the eventlet hub.

Parameters are OWASP's minimum for argon2id (m=19 MiB, t=2, p=1); a hash
costs ~33 ms here and would stall every worker of the process if run on the
hub, so it runs in eventlet's native thread pool.

Each hash also takes 19 MiB, and two limits keep the process small (300 hashes
from 20 concurrent logins, in-process: 493 MB resident afterwards without them,
37 MB with them):

- no more hashes at once than the cores this process may use: more cannot finish
  sooner, they only hold more memory at the same moment;
- glibc's malloc gives each native thread an arena of its own and keeps what was
  freed there, so each of the pool's 20 threads ended up holding its own 19 MiB;
  with one arena the next hash reuses the memory the last one freed.
"""
import ctypes
import ctypes.util
import os
from functools import cached_property

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool
from eventlet.semaphore import Semaphore

_argon2 = Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

HASHES_AT_ONCE = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
_hashing = Semaphore(HASHES_AT_ONCE)

M_ARENA_MAX = -8  # glibc's malloc.h


def _one_malloc_arena() -> None:
    """Ask glibc for a single malloc arena (threads made later share it); elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):  # not glibc (musl, macOS): their allocators behave otherwise
        pass


_one_malloc_arena()


def _in_pool(function, *args):
    with _hashing:
        return tpool.execute(function, *args)


class PasswordHasher:
    def hash(self, password: str) -> str:
        return _in_pool(_argon2.hash, password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            return False
        try:
            return _in_pool(_argon2.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def dummy_hash(self) -> str:
        """Verified against when there is no account, so that both cases cost the same."""
        return self.hash("no account has this password, it only spends the same time")
