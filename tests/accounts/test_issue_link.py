"""accounts.internal_issue_link: how messaging gets the link of a reset or an invitation when it sends it.

The events name the link only (``link_id``); a secret is made when the link is asked for,
each ask ends the one before, and only a service (no caller's identity) may ask.
"""
import re

import pytest

from services.chassis.auth import Identity, IdentitySigner
from services.chassis.config import PROJECT_ROOT
from services.chassis.errors import Conflict, Forbidden
from tests.accounts.conftest import COMPANY, PASSWORD, operator_rpc, token_of

NEW_PASSWORD = "a brand new secret phrase"


def confirm(client, token):
    return client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})


def issue(config, kind, link_id, context_data=None):
    with operator_rpc(config, context_data) as rpc:
        return rpc.accounts.internal_issue_link(kind, link_id)


def test_each_issue_makes_a_new_secret_and_ends_the_one_before(accounts, client, config):
    accounts.register("anna@example.it")
    client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    [event] = accounts.events("password_reset_requested")
    assert "reset_url" not in event and event["schema_version"] == 2
    first = issue(config, "reset", event["link_id"])
    assert first["url"].startswith(f"{config['PUBLIC_BASE_URL']}/reset-password?token=")
    assert first["expires_at"] == event["expires_at"]
    second = issue(config, "reset", event["link_id"])  # the mail is sent again (a retry)
    assert token_of(second["url"]) != token_of(first["url"])
    assert confirm(client, token_of(first["url"])).status_code == 422  # the older secret stopped working
    assert confirm(client, token_of(second["url"])).status_code == 204
    with pytest.raises(Conflict) as used:
        issue(config, "reset", event["link_id"])
    assert used.value.problem == "link-unavailable"


def test_no_link_for_an_unknown_replaced_or_mismatched_reference(accounts, client, config):
    accounts.register("anna@example.it")
    for _ in range(2):
        client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    older, newer = (event["link_id"] for event in accounts.events("password_reset_requested"))
    for kind, link_id in (("reset", "no-such-link"), ("reset", older), ("activation", newer)):
        with pytest.raises(Conflict):
            issue(config, kind, link_id)
    assert issue(config, "reset", newer)["url"]


def test_an_invitation_link_activates_the_representative(accounts, client, config):
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    client.post("/api/v1/company/employees", json={"email": "buyer@rossi.it", "role": "buyer"}, headers=admin)
    [event] = accounts.events("employee_invited")
    assert "activation_url" not in event and event["schema_version"] == 2
    link = issue(config, "activation", event["link_id"])["url"]
    assert link.startswith(f"{config['PUBLIC_BASE_URL']}/activate?token=")
    body = {"token": token_of(link), "first_name": "Luca", "last_name": "Neri", "password": PASSWORD}
    assert client.post("/api/v1/auth/activate", json=body).status_code == 200
    with pytest.raises(Conflict):  # activated: nothing more to send
        issue(config, "activation", event["link_id"])


def test_a_call_on_a_persons_behalf_is_refused(accounts, client, config):
    anna = accounts.register("anna@example.it").json()
    client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    [event] = accounts.events("password_reset_requested")
    signed = IdentitySigner(config["IDENTITY_SECRET"]).sign(Identity(customer_id=anna["id"], session_id="s",
                                                                     kind="private"))
    for identity in (signed, "not-even-signed"):
        with pytest.raises(Forbidden):
            issue(config, "reset", event["link_id"], context_data={"identity": identity})
    assert issue(config, "reset", event["link_id"])["url"]  # the same call, made by a service


def test_no_gateway_route_asks_for_a_link_and_the_gateways_broker_user_may_not():
    assert [path for path in (PROJECT_ROOT / "gateway").rglob("*.py") if "issue_link" in path.read_text()] == []
    # The broker is what stops anyone else (docs/security.md): internal_* methods are closed to the gateway.
    from services.chassis.broker_identities import role_grants

    may_publish = {role: re.fullmatch(grant.topics["nameko-rpc"][0], "accounts.internal_issue_link") is not None
                   for role, grant in role_grants().items()}
    assert may_publish["gateway"] is False and may_publish["messaging"] is True
