"""A one-time token's secret exists only once its message is sent, and only the newest one works."""
from datetime import datetime, timedelta, timezone

import pytest

from services.accounts.domain import policies
from services.accounts.domain.errors import LinkUnavailable
from services.accounts.domain.model import Company, Customer, OneTimeToken

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def person(status="active", password_hash="h"):
    return Customer(customer_number="CUS-1", email="anna@example.it", first_name="Anna", last_name="Neri",
                    password_hash=password_hash, now=NOW, status=status)


def test_a_token_has_no_secret_until_issued_and_each_issue_replaces_the_digest():
    token = OneTimeToken("reset", "c1", NOW, policies.RESET_TOKEN_LIFETIME)
    assert token.id and token.token_hash is None
    first = token.issue(person(), NOW)
    assert token.token_hash == policies.token_digest(first) and first not in vars(token).values()
    second = token.issue(person(), NOW + timedelta(minutes=1))
    assert second != first and token.token_hash == policies.token_digest(second)


@pytest.mark.parametrize("used, at", [(True, NOW), (False, NOW + policies.RESET_TOKEN_LIFETIME)])
def test_no_secret_for_a_used_or_expired_token(used, at):
    token = OneTimeToken("reset", "c1", NOW, policies.RESET_TOKEN_LIFETIME)
    if used:
        token.use(NOW)
    with pytest.raises(LinkUnavailable):
        token.issue(person(), at)
    assert token.token_hash is None


@pytest.mark.parametrize("purpose, holder, issued", [
    ("reset", person(), True),
    ("reset", person(status="disabled"), False),
    ("reset", person(status="erased", password_hash=None), False),
    ("activation", person(status="invited", password_hash=None), True),
    ("activation", person(status="disabled", password_hash=None), False),  # disabled: the link is dead (R10)
    ("activation", person(), False),  # activated already
    ("activation", person(status="erased", password_hash=None), False),
])
def test_a_secret_only_for_a_holder_who_may_use_the_link(purpose, holder, issued):
    token = OneTimeToken(purpose, holder.id, NOW, policies.ACTIVATION_TOKEN_LIFETIME)
    if issued:
        assert token.issue(holder, NOW)
    else:
        with pytest.raises(LinkUnavailable):
            token.issue(holder, NOW)


COMPANY = Company("Rossi Srl", "IT01234567890", {"street": "Via Roma 1", "postal_code": "20121",
                                                  "city": "Milano", "country": "IT"}, NOW)


def invited(invitation):
    return Customer.invite(company=COMPANY, email="luca@rossi.it", role="buyer", customer_number="CUS-2",
                           invited_by=person(), invitation=invitation, now=NOW)


def test_an_invitation_event_names_its_token_and_carries_no_link():
    invitation = OneTimeToken("activation", "", NOW, policies.ACTIVATION_TOKEN_LIFETIME)
    employee = invited(invitation)
    [event] = employee.drain_events()
    assert event.data["link_id"] == invitation.id and invitation.customer_id == employee.id
    assert not [key for key in event.data if "url" in key or "token" in key]


def test_a_disabled_invitee_enabled_again_gets_a_new_invitation_not_the_old_link():
    first = OneTimeToken("activation", "", NOW, policies.ACTIVATION_TOKEN_LIFETIME)
    employee = invited(first)
    employee.drain_events()
    employee.set_enabled(False, active_admins=1)
    employee.set_enabled(True, active_admins=1)
    assert employee.status == "disabled"  # enabling alone does not revive the invitation
    second = OneTimeToken("activation", employee.id, NOW, policies.ACTIVATION_TOKEN_LIFETIME)
    employee.invite_again(company=COMPANY, invited_by=person(), invitation=second, now=NOW)
    [event] = employee.drain_events()
    assert employee.status == "invited" and event.type == "employee_invited"
    assert event.data["link_id"] == second.id != first.id and event.data["role"] == "buyer"
    with pytest.raises(ValueError):
        employee.invite_again(company=COMPANY, invited_by=person(), invitation=second, now=NOW)
