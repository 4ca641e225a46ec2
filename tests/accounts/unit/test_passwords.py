"""Password hashing: real argon2id, never more hashes at once than the process has cores."""
import eventlet
from eventlet import patcher

from services.accounts.adapters import passwords
from services.accounts.adapters.passwords import HASHES_AT_ONCE, PasswordHasher


class CountingArgon2:
    """The real hasher, counting how many of its calls run at the same moment (on native threads)."""

    def __init__(self, real):
        self.real = real
        self.lock = patcher.original("threading").Lock()
        self.running = self.peak = 0

    def _counted(self, function, *args):
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return function(*args)
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password):
        return self._counted(self.real.hash, password)

    def verify(self, password_hash, password):
        return self._counted(self.real.verify, password_hash, password)


def test_concurrent_logins_hash_at_most_one_per_core_and_all_verify(monkeypatch):
    counting = CountingArgon2(passwords._argon2)
    monkeypatch.setattr(passwords, "_argon2", counting)
    hasher = PasswordHasher()
    pool = eventlet.GreenPool(4 * HASHES_AT_ONCE + 4)  # more logins at once than the pool has cores

    hashes = list(pool.imap(hasher.hash, [f"password number {n}" for n in range(4 * HASHES_AT_ONCE + 4)]))
    checks = list(pool.imap(lambda n: hasher.verify(hashes[n], f"password number {n}"), range(len(hashes))))
    wrong = hasher.verify(hashes[0], "password number 1")

    assert all(checks) and not wrong
    assert counting.peak == HASHES_AT_ONCE  # reached, never exceeded
    assert counting.running == 0
