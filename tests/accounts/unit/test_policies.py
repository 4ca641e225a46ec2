from datetime import datetime, timedelta, timezone

import pytest

from services.accounts.domain import policies
from services.accounts.domain.errors import LastAdmin, TokenInvalid
from services.accounts.domain.model import Customer, OneTimeToken, Session, normalise_tax_id

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "iloveyou12345", "anna@example.it1"])
def test_common_or_personal_passwords_are_refused(password):
    assert policies.password_problems(password, "anna@example.it", "Anna", "Verdi")


def test_length_limits():
    assert policies.password_problems("Sh0rt!x")
    assert policies.password_problems("x" * 129)
    assert policies.password_problems("correct horse battery") == []


def test_passwords_longer_than_the_strength_meter_reads_are_scored_not_a_server_error():
    # zxcvbn refuses more than 72 characters (ValueError: a 500 on registration, found by
    # tests/security/test_api_contract.py); up to PASSWORD_MAX (128) are allowed.
    assert policies.password_problems("correct horse battery staple " * 4 + "x" * 12) == []
    assert policies.password_problems("a" * 128)


def test_tokens_are_random_and_stored_as_digests():
    token = policies.new_secret_token()
    assert len(token) >= 40 and token != policies.new_secret_token()
    digest = policies.token_digest(token)
    assert digest != token and len(digest) == 64


def test_throttle_locks_after_the_limit_and_opens_after_the_lockout():
    rule = policies.ACCOUNT_RULE
    throttle = policies.Throttle("login:anna")
    for _ in range(rule.max_failures - 1):
        throttle.fail(rule, NOW)
    assert throttle.retry_after(NOW) == 0
    throttle.fail(rule, NOW)
    assert throttle.retry_after(NOW) == int(rule.lockout.total_seconds())
    assert throttle.retry_after(NOW + rule.lockout) == 0


def test_throttle_window_forgets_old_failures():
    rule = policies.ACCOUNT_RULE
    throttle = policies.Throttle("login:anna")
    for _ in range(rule.max_failures - 1):
        throttle.fail(rule, NOW)
    throttle.fail(rule, NOW + rule.window + timedelta(seconds=1))
    assert throttle.failures == 1 and throttle.retry_after(NOW + rule.window) == 0


def test_one_time_tokens_work_once_and_expire():
    token = OneTimeToken("reset", "c1", NOW, policies.RESET_TOKEN_LIFETIME)
    token.use(NOW + timedelta(minutes=1))
    with pytest.raises(TokenInvalid):
        token.use(NOW + timedelta(minutes=2))
    late = OneTimeToken("reset", "c1", NOW, policies.RESET_TOKEN_LIFETIME)
    with pytest.raises(TokenInvalid):
        late.use(NOW + policies.RESET_TOKEN_LIFETIME)


def test_sessions_expire_and_revoke():
    session = Session("c1", "token", NOW)
    assert session.is_valid(NOW + timedelta(hours=1))
    assert not session.is_valid(NOW + policies.SESSION_LIFETIME)
    session.revoke(NOW)
    assert not session.is_valid(NOW)


def admin():
    return Customer(customer_number="CUS-1", email="a@x.it", first_name="A", last_name="B", password_hash="h",
                    now=NOW, kind="business", company_id="co1", company_role="admin")


def test_the_last_active_admin_can_be_neither_demoted_nor_disabled():
    boss = admin()
    with pytest.raises(LastAdmin):
        boss.change_role("buyer", active_admins=1)
    with pytest.raises(LastAdmin):
        boss.set_enabled(False, active_admins=1)
    boss.change_role("buyer", active_admins=2)
    assert boss.company_role == "buyer"


def test_erasure_keeps_the_number_and_forgets_the_person():
    customer = admin()
    customer.phone = "+393401234567"
    customer.erase(NOW)
    assert customer.customer_number == "CUS-1"
    assert customer.first_name == "" and customer.phone is None and customer.password_hash is None
    assert not customer.can_log_in
    assert [e.type for e in customer.drain_events()] == ["customer_erased"]


def test_tax_ids_compare_without_spaces_dashes_or_case():
    assert normalise_tax_id("it 0123-4567890") == normalise_tax_id("IT01234567890")
