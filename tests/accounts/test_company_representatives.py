import time

import eventlet
import pytest

from services.chassis.errors import Conflict
from tests.accounts.conftest import COMPANY, PASSWORD, Accounts, operator_rpc, token_of
from tests.catalog.harness import assert_problem
from tests.support.http import GatewayClient

OTHER_COMPANY = dict(COMPANY, name="Weber GmbH", tax_id="DE123456789",
                     address={"street": "Hauptstr. 5", "postal_code": "10115", "city": "Berlin", "country": "DE"})


def activation_token(accounts, email):
    """The token of the link in the invitation mail, as messaging would send it."""
    return token_of(accounts.link("employee_invited", email=email))


def add_representative(accounts, client, admin_auth, email, role):
    invited = client.post("/api/v1/company/employees", json={"email": email, "role": role}, headers=admin_auth)
    assert invited.status_code == 201, invited.text
    body = {"token": activation_token(accounts, email), "first_name": "Luca", "last_name": "Neri", "password": PASSWORD}
    activated = client.post("/api/v1/auth/activate", json=body)
    assert activated.status_code == 200, activated.text
    return invited.json()["id"], accounts.as_user(accounts.token(email))


def test_admin_invites_a_representative_who_activates_and_logs_in(accounts, client):
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    invited = client.post("/api/v1/company/employees", json={"email": "buyer@rossi.it", "role": "buyer"}, headers=admin)
    assert invited.status_code == 201 and invited.json()["status"] == "invited"
    assert accounts.login("buyer@rossi.it").status_code == 401  # not before activation
    [event] = accounts.events("employee_invited")
    assert event["company_name"] == COMPANY["name"] and event["role"] == "buyer"

    token = activation_token(accounts, "buyer@rossi.it")
    body = {"token": token, "first_name": "Luca", "last_name": "Neri", "password": PASSWORD}
    assert client.post("/api/v1/auth/activate", json=body).status_code == 200
    assert client.post("/api/v1/auth/activate", json=body).status_code == 422  # single use
    me = client.get("/api/v1/me", headers=accounts.as_user(accounts.token("buyer@rossi.it"))).json()
    assert me["company_role"] == "buyer" and me["company_id"] == invited.json()["company_id"]
    listed = client.get("/api/v1/company/employees", headers=admin).json()["items"]
    assert {e["email"] for e in listed} == {"boss@rossi.it", "buyer@rossi.it"}


def test_buyers_and_viewers_may_not_manage_representatives(accounts, client):
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    buyer_id, buyer = add_representative(accounts, client, admin, "buyer@rossi.it", "buyer")
    _, viewer = add_representative(accounts, client, admin, "viewer@rossi.it", "viewer")
    for auth in (buyer, viewer):
        assert client.get("/api/v1/company/employees", headers=auth).status_code == 403
        invite = client.post("/api/v1/company/employees", json={"email": "x@rossi.it", "role": "admin"}, headers=auth)
        assert invite.status_code == 403 and invite.json()["type"].endswith("/not-company-admin")
        assert client.patch(f"/api/v1/company/employees/{buyer_id}", json={"role": "admin"}, headers=auth).status_code == 403


def test_a_disabled_representative_cannot_log_in_and_loses_open_sessions(accounts, client):
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    buyer_id, buyer = add_representative(accounts, client, admin, "buyer@rossi.it", "buyer")
    disabled = client.patch(f"/api/v1/company/employees/{buyer_id}", json={"enabled": False}, headers=admin)
    assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"
    assert accounts.login("buyer@rossi.it").status_code == 401
    time.sleep(1.05)
    assert client.get("/api/v1/me", headers=buyer).status_code == 401
    client.patch(f"/api/v1/company/employees/{buyer_id}", json={"enabled": True}, headers=admin)
    assert accounts.login("buyer@rossi.it").status_code == 200


def test_roles_change_and_the_last_admin_stays(accounts, client):
    me = accounts.register("boss@rossi.it", company=COMPANY).json()
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    demote_self = client.patch(f"/api/v1/company/employees/{me['id']}", json={"role": "viewer"}, headers=admin)
    assert demote_self.status_code == 409 and demote_self.json()["type"].endswith("/last-admin")
    buyer_id, _ = add_representative(accounts, client, admin, "buyer@rossi.it", "buyer")
    promoted = client.patch(f"/api/v1/company/employees/{buyer_id}", json={"role": "admin"}, headers=admin)
    assert promoted.status_code == 200 and promoted.json()["company_role"] == "admin"
    bad = client.patch(f"/api/v1/company/employees/{buyer_id}", json={"role": "owner"}, headers=admin)
    assert bad.status_code == 422 and "role" in bad.json()["errors"]


def test_another_companys_admin_sees_nothing_of_ours(accounts, client):
    accounts.register("boss@rossi.it", company=COMPANY)
    ours = accounts.as_user(accounts.token("boss@rossi.it"))
    buyer_id, _ = add_representative(accounts, client, ours, "buyer@rossi.it", "buyer")
    accounts.register("chef@weber.de", company=OTHER_COMPANY)
    theirs = accounts.as_user(accounts.token("chef@weber.de"))
    listed = client.get("/api/v1/company/employees", headers=theirs).json()["items"]
    assert [e["email"] for e in listed] == ["chef@weber.de"]
    attempt = client.patch(f"/api/v1/company/employees/{buyer_id}", json={"enabled": False}, headers=theirs)
    assert attempt.status_code == 404
    assert "rossi" not in attempt.text


def test_customer_a_only_ever_sees_customer_a(accounts, client):
    accounts.register("anna@example.it")
    accounts.register("bruno@example.it", first_name="Bruno")
    anna = accounts.as_user(accounts.token("anna@example.it"))
    bruno = accounts.as_user(accounts.token("bruno@example.it"))
    assert client.get("/api/v1/me", headers=anna).json()["email"] == "anna@example.it"
    assert client.get("/api/v1/me/export", headers=bruno).json()["customer"]["email"] == "bruno@example.it"
    # Ids in the body are not how a caller is chosen: unknown fields are rejected outright.
    sneaky = client.patch("/api/v1/me", json={"id": "someone-else", "first_name": "X"}, headers=bruno)
    assert sneaky.status_code == 422


def test_a_disabled_invitee_cannot_activate_nor_log_in_until_enabled_again(accounts, client, config):
    """REVIEW R10: disabling an invited representative used to answer 200 and change nothing; then it
    only suspended the invitation, and the mailed link worked again once they were enabled."""
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    invited = client.post("/api/v1/company/employees", json={"email": "buyer@rossi.it", "role": "buyer"}, headers=admin)
    employee_id = invited.json()["id"]
    mailed = activation_token(accounts, "buyer@rossi.it")  # the invitation went out before the admin changed their mind
    disabled = client.patch(f"/api/v1/company/employees/{employee_id}", json={"enabled": False}, headers=admin)
    assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"

    body = {"token": mailed, "first_name": "Luca", "last_name": "Neri", "password": PASSWORD}
    assert_problem(client.post("/api/v1/auth/activate", json=body), 422, "token-invalid")  # the link is dead
    assert accounts.login("buyer@rossi.it").status_code == 401  # no password was set: no session, nothing bought
    listed = {e["email"]: e["status"] for e in client.get("/api/v1/company/employees", headers=admin).json()["items"]}
    assert listed["buyer@rossi.it"] == "disabled"
    [invitation] = accounts.events("employee_invited")
    with operator_rpc(config) as rpc, pytest.raises(Conflict) as refused:  # a mail sent late or again: no link
        rpc.accounts.internal_issue_link("activation", invitation["link_id"])
    assert refused.value.problem == "link-unavailable"

    # Enabling them again is a new invitation: a new link in a new mail; the old one stays dead.
    enabled = client.patch(f"/api/v1/company/employees/{employee_id}", json={"enabled": True}, headers=admin)
    assert enabled.status_code == 200 and enabled.json()["status"] == "invited"
    first, again = accounts.events("employee_invited")
    assert again["customer_id"] == employee_id and again["link_id"] != first["link_id"]
    assert again["email"] == "buyer@rossi.it" and again["role"] == "buyer" and again["schema_version"] == 2
    assert_problem(client.post("/api/v1/auth/activate", json=body), 422, "token-invalid")
    assert accounts.login("buyer@rossi.it").status_code == 401
    body["token"] = activation_token(accounts, "buyer@rossi.it")  # the newest invitation's link
    assert client.post("/api/v1/auth/activate", json=body).status_code == 200
    assert accounts.login("buyer@rossi.it").status_code == 200
    # Enabling someone who is not disabled sends nothing.
    client.patch(f"/api/v1/company/employees/{employee_id}", json={"enabled": True}, headers=admin)
    assert len(accounts.events("employee_invited")) == 2


def test_the_last_admin_cannot_delete_their_account_while_colleagues_remain(accounts, client):
    """REVIEW R25: erasing the only administrator left the company's people with nobody to manage them."""
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    buyer_id, _ = add_representative(accounts, client, admin, "buyer@rossi.it", "buyer")
    refused = client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=admin)
    problem = assert_problem(refused, 409, "last-admin")
    assert "administrator" in problem["detail"]
    assert client.get("/api/v1/me", headers=admin).status_code == 200  # nothing was erased
    client.patch(f"/api/v1/company/employees/{buyer_id}", json={"role": "admin"}, headers=admin)
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=admin).status_code == 204


def test_the_only_person_of_a_company_may_delete_their_account_and_the_tax_id_is_free_again(accounts, client):
    accounts.register("boss@rossi.it", company=COMPANY)
    admin = accounts.as_user(accounts.token("boss@rossi.it"))
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=admin).status_code == 204
    # Nobody is left to administer it, so nobody is locked out of it: the company may register again.
    assert accounts.register("successor@rossi.it", company=COMPANY).status_code == 201


LOOPS = 25


def test_two_admins_demoting_each_other_at_once_leave_one_admin(system, config):
    """REVIEW R25: both demotions read "two admins" and both went through. Two accounts processes, as in
    production, so that the two requests really run side by side (also on SQLite, where one process takes turns)."""
    system.start("accounts", "accounts", "gateway")
    with GatewayClient(system.gateway_url) as first, GatewayClient(system.gateway_url) as second:
        accounts = Accounts(first, config)
        boss_id = accounts.register("boss@rossi.it", company=COMPANY).json()["id"]
        boss = accounts.as_user(accounts.token("boss@rossi.it"))
        other_id, other = add_representative(accounts, first, boss, "second@rossi.it", "admin")
        admins = {boss_id: (first, boss), other_id: (second, other)}
        for _ in range(LOOPS):
            pool = eventlet.GreenPool()
            calls = {caller: pool.spawn(session.patch, f"/api/v1/company/employees/{target}",
                                        json={"role": "viewer"}, headers=auth)
                     for (caller, (session, auth)), target in zip(admins.items(), (other_id, boss_id))}
            statuses = {caller: call.wait().status_code for caller, call in calls.items()}
            assert sorted(statuses.values()) in ([200, 403], [200, 409]), statuses
            [winner] = [caller for caller, status in statuses.items() if status == 200]
            session, auth = admins[winner]
            roles = {e["id"]: e["company_role"] for e in session.get("/api/v1/company/employees", headers=auth).json()["items"]}
            assert list(roles.values()).count("admin") == 1, roles
            [loser] = [caller for caller in admins if caller != winner]
            assert session.patch(f"/api/v1/company/employees/{loser}", json={"role": "admin"},
                                 headers=auth).status_code == 200
