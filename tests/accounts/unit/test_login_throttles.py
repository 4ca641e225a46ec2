"""The shared-address login rules (policies.LoginThrottles) on a fixed clock, without a database."""
from datetime import datetime, timedelta, timezone

from services.accounts.domain import policies
from services.accounts.domain.policies import ADDRESS_RULE, LoginThrottles, Throttle

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


class Address:
    """The four counters of logins from one address, as the login use case keeps them."""

    def __init__(self):
        self.rows = {}

    def attempt(self, identifier: str) -> LoginThrottles:
        def row(key):
            return self.rows.setdefault(key, Throttle(key))
        return LoginThrottles(row(f"login:{identifier}"), row(f"pair:{identifier}"), row("address"), row("gate"))


def spend_the_budget(address: Address, now=NOW):
    for n in range(ADDRESS_RULE.max_failures):
        attempt = address.attempt(f"user{n}")
        assert attempt.retry_after(now) == 0
        attempt.failed(now)


def test_past_the_budget_identifiers_that_failed_here_wait_for_the_address_lock():
    address = Address()
    spend_the_budget(address)
    assert address.attempt("user0").retry_after(NOW) == int(ADDRESS_RULE.lockout.total_seconds())
    assert address.attempt("somebody-new").retry_after(NOW) == 0  # never failed from here


def test_each_failure_past_the_budget_doubles_the_delay_so_a_window_allows_few_more_guesses():
    address, now, delays = Address(), NOW, []
    spend_the_budget(address)
    while now < NOW + ADDRESS_RULE.window:  # spraying new identifiers as fast as the delays allow
        attempt = address.attempt(f"new{len(delays)}")
        now += timedelta(seconds=attempt.retry_after(now))
        attempt.failed(now)
        delays.append(address.attempt("next").retry_after(now))
    assert delays[:4] == [1, 2, 4, 8]
    assert len(delays) <= 11  # 20 guesses, then about ten more in the window (was 20 in all)
    assert all(delay <= ADDRESS_RULE.lockout.total_seconds() for delay in delays)


def test_the_delay_is_capped_at_the_lockout_and_never_overflows():
    address = Address()
    gate = address.rows["gate"] = Throttle("gate")
    address.rows["address"] = Throttle("address", failures=10_000, window_started_at=NOW)
    address.attempt("new").failed(NOW)
    assert gate.retry_after(NOW) == int(ADDRESS_RULE.lockout.total_seconds())


def test_a_success_clears_the_identifier_not_the_address():
    address = Address()
    spend_the_budget(address)
    address.attempt("user0").succeeded()  # e.g. the window of user0 ended and the right password came
    assert address.attempt("user0").retry_after(NOW) == 0  # no failure from here any more
    assert address.rows["address"].failures == ADDRESS_RULE.max_failures


def test_without_a_client_address_only_the_identifier_counts():
    attempt = LoginThrottles(Throttle("login:anna"))
    for _ in range(policies.ACCOUNT_RULE.max_failures):
        assert attempt.failed(NOW) == [attempt.identifier]
    assert attempt.retry_after(NOW) == int(policies.ACCOUNT_RULE.lockout.total_seconds())
