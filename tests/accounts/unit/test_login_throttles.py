"""The shared-address login rules (policies.LoginThrottles) on a fixed clock, without a database."""
from datetime import datetime, timedelta, timezone

from services.accounts.domain import policies
from services.accounts.domain.policies import ADDRESS_RULE, LoginThrottles, Throttle

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
GATE_CAP = 30  # seconds: policies.GATE_MAX_DELAY, what a colleague new at a sprayed address waits at most


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
    spend_the_budget(address)  # user0 .. user19 failed once each: a colleague who mistyped once is one of them
    assert address.attempt("user0").retry_after(NOW) == int(ADDRESS_RULE.lockout.total_seconds())
    assert address.attempt("somebody-new").retry_after(NOW) == 0  # never failed from here


def test_an_identifier_locked_by_its_own_failures_stays_locked_whatever_the_address():
    address = Address()
    address.rows["login:anna"] = Throttle("login:anna")
    for _ in range(policies.ACCOUNT_RULE.max_failures):  # from elsewhere: only the identifier counted
        LoginThrottles(address.rows["login:anna"]).failed(NOW)
    assert address.attempt("anna").retry_after(NOW) == int(policies.ACCOUNT_RULE.lockout.total_seconds())
    spend_the_budget(address)  # the address over its budget: the short gate does not shorten anna's lock
    assert address.attempt("anna").retry_after(NOW) == int(policies.ACCOUNT_RULE.lockout.total_seconds())


def spray_for_a_window(address: Address, check=lambda now: None) -> list[int]:
    """New identifiers as fast as the gate allows, until the address's window ends: the delay after each."""
    now, delays = NOW, []
    while True:
        attempt = address.attempt(f"new{len(delays)}")
        now += timedelta(seconds=attempt.retry_after(now))
        if now > NOW + ADDRESS_RULE.window:  # a new window: a new budget (the test above)
            return delays
        attempt.failed(now)
        delays.append(address.attempt("next").retry_after(now))
        check(now)


def test_each_failure_past_the_budget_doubles_the_delay_so_a_window_allows_few_more_guesses():
    address = Address()
    spend_the_budget(address)
    delays = spray_for_a_window(address)
    assert delays[:6] == [1, 2, 4, 8, 16, GATE_CAP]
    assert set(delays[5:]) == {GATE_CAP}
    # 20 guesses, then about thirty more in the window: one per GATE_CAP once the delay is capped.
    assert len(delays) == 5 + (ADDRESS_RULE.window.total_seconds() - 31) // GATE_CAP + 1


def test_during_a_spray_a_colleague_waits_at_most_the_gate_cap_unless_they_failed_here():
    """One attacker behind the office's NAT used to keep new logins waiting up to the 15-minute lockout."""
    address = Address()
    spend_the_budget(address)  # user0 mistyped once from here, before the attack

    def colleagues(now):
        assert 0 < address.attempt("luca").retry_after(now) <= GATE_CAP  # never failed from here
        assert address.attempt("user0").retry_after(now) > GATE_CAP  # the address's lock
    assert len(spray_for_a_window(address, colleagues)) > 20


def test_the_delay_is_capped_and_never_overflows():
    address = Address()
    gate = address.rows["gate"] = Throttle("gate")
    address.rows["address"] = Throttle("address", failures=10_000, window_started_at=NOW)
    address.attempt("new").failed(NOW)
    assert gate.retry_after(NOW) == GATE_CAP
    assert policies.GATE_MAX_DELAY < ADDRESS_RULE.lockout


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


def test_an_attempt_is_counted_before_its_password_is_checked_and_a_right_one_takes_its_count_back():
    """REVIEW R8: counting after the check let parallel guesses all be checked against one count."""
    address = Address()
    for n in range(ADDRESS_RULE.max_failures - 1):
        address.attempt(f"user{n}").failed(NOW)
    before = {key: vars(row).copy() for key, row in address.rows.items()}
    attempt = address.attempt("anna")
    reservation = attempt.reserve(NOW)  # counted at once: the address is at its budget now
    assert address.attempt("user0").retry_after(NOW) > GATE_CAP
    attempt.succeeded(reservation)  # the right password: as if the attempt had never been counted
    assert address.rows["address"].failures == ADDRESS_RULE.max_failures - 1
    assert address.attempt("user0").retry_after(NOW) == 0
    for key in ("address", "gate"):
        assert {k: v for k, v in vars(address.rows[key]).items() if not k.startswith("_")} == \
            {k: v for k, v in before[key].items() if not k.startswith("_")}


def test_a_right_password_past_the_budget_gives_the_gate_back_unless_another_attempt_took_it_since():
    address = Address()
    spend_the_budget(address)
    attempt = address.attempt("luca")
    reservation = attempt.reserve(NOW)  # past the budget: the gate closes for a second
    assert address.attempt("sara").retry_after(NOW) == 1
    attempt.succeeded(reservation)
    assert address.attempt("sara").retry_after(NOW) == 0  # Luca's right password closed nothing
    later = NOW + timedelta(seconds=2)
    reservation = address.attempt("luca").reserve(NOW)
    address.attempt("mallory").failed(later)  # meanwhile a guess failed: the gate is its now
    address.attempt("luca").succeeded(reservation)
    assert address.attempt("sara").retry_after(later) > 0
