import time

from tests.accounts.conftest import PASSWORD, token_of
from tests.catalog.harness import assert_problem

NEW_PASSWORD = "a brand new secret phrase"


def reset_token(accounts, index=-1):
    """The token of the link in the reset message, as messaging would send it."""
    return token_of(accounts.link("password_reset_requested", index))


def test_reset_answers_the_same_for_known_and_unknown_addresses(accounts, client):
    accounts.register("anna@example.it")
    known = client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.it"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(accounts.events("password_reset_requested")) == 1  # only the known address gets a link


def test_reset_by_phone_goes_to_the_sms_channel(accounts, client):
    accounts.register("anna@example.it", phone="+393401234567")
    assert client.post("/api/v1/auth/password-reset", json={"phone": "+393401234567"}).status_code == 202
    [event] = accounts.events("password_reset_requested")
    assert event["channel"] == "sms" and event["phone"] == "+393401234567"


def test_reset_needs_exactly_one_of_email_or_phone(accounts, client):
    response = client.post("/api/v1/auth/password-reset", json={})
    assert response.status_code == 422 and "email" in response.json()["errors"]


def test_confirming_a_reset_sets_the_password_ends_every_session_and_works_once(accounts, client):
    accounts.register("anna@example.it")
    old_session = accounts.token("anna@example.it")
    client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    token = reset_token(accounts)
    # The token is stored only as a digest.
    confirm = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert confirm.status_code == 204, confirm.text
    time.sleep(1.05)  # past the gateway's token cache
    assert client.get("/api/v1/me", headers=accounts.as_user(old_session)).status_code == 401
    assert accounts.login("anna@example.it", PASSWORD).status_code == 401
    assert accounts.login("anna@example.it", NEW_PASSWORD).status_code == 200
    again = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert again.status_code == 422 and again.json()["type"].endswith("/token-invalid")


def test_a_newer_reset_link_replaces_the_older_one(accounts, client):
    accounts.register("anna@example.it")
    client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    first = reset_token(accounts)  # the first mail went out
    client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    second = reset_token(accounts)
    body = {"token": first, "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/password-reset/confirm", json=body).status_code == 422
    body["token"] = second
    assert client.post("/api/v1/auth/password-reset/confirm", json=body).status_code == 204


def test_profile_changes_and_delicate_ones_need_the_current_password(accounts, client):
    accounts.register("anna@example.it")
    auth = accounts.as_user(accounts.token("anna@example.it"))
    changed = client.patch("/api/v1/me", json={"first_name": "Annalisa", "language": "de"}, headers=auth)
    assert changed.status_code == 200 and changed.json()["first_name"] == "Annalisa"
    refused = client.patch("/api/v1/me", json={"email": "new@example.it"}, headers=auth)
    assert refused.status_code == 403 and "current_password" in refused.json()["errors"]
    wrong = client.patch("/api/v1/me", json={"email": "new@example.it", "current_password": "nope"}, headers=auth)
    assert wrong.status_code == 403
    done = client.patch("/api/v1/me", json={"email": "new@example.it", "current_password": PASSWORD}, headers=auth)
    assert done.status_code == 200 and done.json()["email"] == "new@example.it"
    assert client.patch("/api/v1/me", json={"colour": "red"}, headers=auth).status_code == 422


def test_changing_the_password_keeps_this_session_and_ends_the_others(accounts, client):
    accounts.register("anna@example.it")
    this, other = accounts.token("anna@example.it"), accounts.token("anna@example.it")
    body = {"new_password": NEW_PASSWORD, "current_password": PASSWORD}
    assert client.patch("/api/v1/me", json=body, headers=accounts.as_user(this)).status_code == 200
    time.sleep(1.05)
    assert client.get("/api/v1/me", headers=accounts.as_user(this)).status_code == 200
    assert client.get("/api/v1/me", headers=accounts.as_user(other)).status_code == 401


BILLING = {"company_name": "Anna Verdi", "vat_number": None, "fiscal_code": "VRDNNA80A41F205X", "street": "Via Po 3",
           "postal_code": "10123", "city": "Torino", "country": "IT", "sdi_code": "0000000", "pec": "anna@pec.it",
           "invoice_email": "fatture@example.it"}


def test_billing_data_needs_the_password_to_change(accounts, client):
    accounts.register("anna@example.it")
    auth = accounts.as_user(accounts.token("anna@example.it"))
    assert client.put("/api/v1/me/billing", json=BILLING, headers=auth).status_code == 422  # password missing
    wrong = client.put("/api/v1/me/billing", json=dict(BILLING, current_password="nope"), headers=auth)
    assert wrong.status_code == 403
    saved = client.put("/api/v1/me/billing", json=dict(BILLING, current_password=PASSWORD), headers=auth)
    assert saved.status_code == 200 and saved.json()["sdi_code"] == "0000000"
    assert client.get("/api/v1/me/billing", headers=auth).json()["city"] == "Torino"
    bad = client.put("/api/v1/me/billing", json=dict(BILLING, country="Italy", current_password=PASSWORD), headers=auth)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"country"}


def test_consents_export_and_erasure(accounts, client):
    number = accounts.register("anna@example.it", phone="+393401234567").json()["customer_number"]
    auth = accounts.as_user(accounts.token("anna@example.it"))
    assert client.get("/api/v1/me/privacy", headers=auth).json()["marketing_email"] is False
    consents = client.put("/api/v1/me/privacy", json={"marketing_email": True, "profiling": False}, headers=auth)
    assert consents.status_code == 200 and consents.json()["marketing_email"] is True
    client.put("/api/v1/me/billing", json=dict(BILLING, current_password=PASSWORD), headers=auth)

    export = client.get("/api/v1/me/export", headers=auth)
    assert export.status_code == 200
    data = export.json()
    assert data["customer"]["email"] == "anna@example.it"
    assert data["consents"]["marketing_email"] is True
    assert data["billing"]["fiscal_code"] == "VRDNNA80A41F205X"
    assert len(data["sessions"]) == 1
    assert "hash" not in export.text and "password" not in export.text

    assert client.request("DELETE", "/api/v1/me", json={"password": "nope"}, headers=auth).status_code == 403
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    assert accounts.login("anna@example.it").status_code == 401
    [erased] = accounts.events("customer_erased")
    assert erased["customer_number"] == number
    # The address is free again, and nothing personal is left behind.
    assert accounts.register("anna@example.it").status_code == 201


def confirm_reset(client, token):
    return client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})


def test_changing_the_phone_needs_the_current_password_and_ends_sms_links_to_the_old_one(accounts, client):
    """REVIEW R14: the phone is a reset channel, so a stolen session could make it the thief's."""
    accounts.register("anna@example.it", phone="+393401234567")
    auth = accounts.as_user(accounts.token("anna@example.it"))
    for change in ({"phone": "+393409999999"}, {"phone": None}):
        refused = client.patch("/api/v1/me", json=change, headers=auth)
        assert_problem(refused, 403, "password-confirmation-failed")
        assert "current_password" in refused.json()["errors"]
    wrong = client.patch("/api/v1/me", json={"phone": "+393409999999", "current_password": "nope"}, headers=auth)
    assert wrong.status_code == 403
    assert client.get("/api/v1/me", headers=auth).json()["phone"] == "+393401234567"

    client.post("/api/v1/auth/password-reset", json={"phone": "+393401234567"})
    sms_token = reset_token(accounts)
    done = client.patch("/api/v1/me", json={"phone": "+393409999999", "current_password": PASSWORD}, headers=auth)
    assert done.status_code == 200 and done.json()["phone"] == "+393409999999"
    assert_problem(confirm_reset(client, sms_token), 422, "token-invalid")  # sent to the phone she left


def test_changing_the_email_ends_reset_links_sent_to_the_old_address(accounts, client):
    """REVIEW R24: a link in the old mailbox (perhaps the reason for the change) kept working."""
    accounts.register("anna@example.it")
    auth = accounts.as_user(accounts.token("anna@example.it"))
    client.post("/api/v1/auth/password-reset", json={"email": "anna@example.it"})
    old_link = reset_token(accounts)
    moved = client.patch("/api/v1/me", json={"email": "anna@new.example.it", "current_password": PASSWORD},
                         headers=auth)
    assert moved.status_code == 200
    assert_problem(confirm_reset(client, old_link), 422, "token-invalid")
    assert accounts.login("anna@new.example.it").status_code == 200  # the password did not change
    # A link asked for at the new address works.
    client.post("/api/v1/auth/password-reset", json={"email": "anna@new.example.it"})
    assert confirm_reset(client, reset_token(accounts)).status_code == 204
