import time

from sqlalchemy import func, select

from services.accounts.adapters.orm import companies, customers
from services.chassis.database import make_engine
from tests.accounts.conftest import COMPANY, PASSWORD


def count(config, table):
    engine = make_engine(config["DATABASE_URLS"]["accounts"])
    with engine.connect() as conn:
        value = conn.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return value


def test_private_registration_gives_a_readable_customer_number(accounts):
    response = accounts.register("anna@example.it", phone="+393401234567", language="it")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["customer_number"] == "CUS-000001"
    assert body["kind"] == "private" and body["company_id"] is None
    assert "password" not in body and "password_hash" not in body
    [event] = accounts.events("customer_registered")
    assert event["customer_number"] == "CUS-000001" and event["language"] == "it"


def test_business_registration_creates_the_company_with_the_registrant_as_admin(accounts):
    response = accounts.register("boss@rossi.it", company=COMPANY)
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "business"
    assert response.json()["company_role"] == "admin"
    assert response.json()["company_id"]


def test_a_known_tax_id_is_refused_and_nothing_is_half_created(accounts, config):
    assert accounts.register("boss@rossi.it", company=COMPANY).status_code == 201
    same_company = dict(COMPANY, tax_id="it-01234567890")  # the same number, written differently
    response = accounts.register("colleague@rossi.it", company=same_company)
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("/account-not-created")
    assert problem["title"] == "Account not created. If the error repeats, contact the administrator."
    assert "representative" in problem["detail"]
    assert count(config, customers) == 1 and count(config, companies) == 1
    assert len(accounts.events("customer_registered")) == 1


def test_registration_requires_terms_valid_phone_and_a_strong_password(accounts):
    response = accounts.register("x@example.it", accept_terms=False, phone="3401234567", password="password1234")
    assert response.status_code == 422
    assert {"accept_terms", "phone"} <= set(response.json()["errors"])
    weak = accounts.register("x@example.it", password="password1234")
    assert weak.status_code == 422 and "password" in weak.json()["errors"]
    short = accounts.register("x@example.it", password="short")
    assert short.status_code == 422 and "password" in short.json()["errors"]


def test_duplicate_email_is_409_regardless_of_case(accounts):
    assert accounts.register("anna@example.it").status_code == 201
    response = accounts.register("ANNA@Example.IT")
    assert response.status_code == 409 and set(response.json()["errors"]) == {"email"}


def test_login_by_email_or_customer_number_returns_a_bearer_token_that_opens_me(accounts, client):
    number = accounts.register("anna@example.it").json()["customer_number"]
    for identifier in ("Anna@Example.it", number, number.lower()):
        token = accounts.token(identifier)
        me = client.get("/api/v1/me", headers=accounts.as_user(token))
        assert me.status_code == 200 and me.json()["email"] == "anna@example.it"


def test_wrong_password_and_unknown_account_get_the_same_answer(accounts):
    accounts.register("anna@example.it")
    wrong = accounts.login("anna@example.it", "not the right password")
    unknown = accounts.login("nobody@example.it", "not the right password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong.json()) == strip(unknown.json())


def test_repeated_failures_are_limited_with_retry_after(accounts):
    accounts.register("anna@example.it")
    statuses = [accounts.login("anna@example.it", f"wrong password {i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    locked = accounts.login("anna@example.it")  # even the right password waits now
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["type"].endswith("/too-many-attempts")
    # The limit is the same for an address nobody registered: it reveals nothing.
    for i in range(5):
        accounts.login("ghost@example.it", f"wrong password {i}")
    assert accounts.login("ghost@example.it").status_code == 429


def test_failures_from_one_client_address_are_limited_across_accounts(accounts):
    for i in range(20):
        assert accounts.login(f"user{i}@example.it", "whatever password").status_code == 401
    # Each of them failed only once, but from an address past its budget: refused here.
    assert accounts.login("user0@example.it", "whatever password").status_code == 429
    # One not tried from here gets its guess; the next new one waits (tests/security/test_rate_limits.py).
    assert accounts.login("someone-else@example.it", "whatever password").status_code == 401
    assert accounts.login("someone-new@example.it", "whatever password").status_code == 429


def test_protected_routes_need_a_valid_bearer_token(accounts, client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer made-up"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_logout_refuses_the_token_at_once(accounts, client):
    accounts.register("anna@example.it")
    token = accounts.token("anna@example.it")
    assert client.get("/api/v1/me", headers=accounts.as_user(token)).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=accounts.as_user(token)).status_code == 204
    assert client.get("/api/v1/me", headers=accounts.as_user(token)).status_code == 401


def test_a_token_revoked_through_one_gateway_is_refused_by_another_within_a_second(accounts, client, system):
    from nameko.runners import ServiceRunner

    from services.chassis.cli import import_service
    from tests.support.http import GatewayClient
    from tests.support.smtp import free_port

    second_config = dict(system.config, WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}")
    runner = ServiceRunner(second_config)
    runner.add_service(import_service("gateway"))
    runner.start()
    system.runners.append(runner)
    other = GatewayClient(f"http://{second_config['WEB_SERVER_ADDRESS']}")

    accounts.register("anna@example.it")
    token = accounts.token("anna@example.it")
    assert other.get("/api/v1/me", headers=accounts.as_user(token)).status_code == 200  # cached there now
    assert client.post("/api/v1/auth/logout", headers=accounts.as_user(token)).status_code == 204
    time.sleep(1.05)
    assert other.get("/api/v1/me", headers=accounts.as_user(token)).status_code == 401


def test_a_resale_only_shop_requires_the_declaration_from_businesses(system, client, config):
    from tests.accounts.conftest import Accounts

    config["REQUIRE_RESALE_DECLARATION"] = True
    system.start("accounts", "gateway")
    accounts = Accounts(client, config)
    refused = accounts.register("boss@rossi.it", company=COMPANY)
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"resale_declaration"}
    assert accounts.register("boss@rossi.it", company=COMPANY, resale_declaration=True).status_code == 201
    assert accounts.register("private@example.it").status_code == 201  # private customers are not asked
