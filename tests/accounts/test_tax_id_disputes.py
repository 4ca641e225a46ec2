"""REVIEW R17: a tax id is unique but not verified at registration, so anyone can take a competitor's.

How the shop resolves it: the real company's registration fails and its text says to contact the
shop; the desk looks the number up (who holds it, who their people are), checks the caller's proof
out of band (chamber of commerce record, VAT registry, letterhead), and a staff administrator
releases the number from the company that holds it. That company keeps its record and its people,
with the number marked released; the real company can then register.
"""
from services.accounts.cli import ensure_staff
from tests.accounts.conftest import COMPANY, STAFF_PASSWORD
from tests.catalog.harness import assert_problem

SQUATTER = dict(COMPANY, name="Rossi Imitazioni S.r.l.")


def staff_login(accounts, config, email, role):
    ensure_staff(email, STAFF_PASSWORD, role, database_url=config["DATABASE_URLS"]["accounts"])
    return accounts.as_user(accounts.token(email, STAFF_PASSWORD))


def test_staff_release_a_squatted_tax_id_and_the_real_company_registers(accounts, client, config):
    squatter = accounts.register("nobody@imitazioni.example", company=SQUATTER).json()
    refused = accounts.register("boss@rossi.it", company=dict(COMPANY, tax_id="IT 01234567890"))
    problem = assert_problem(refused, 409, "account-not-created")
    assert "contact the shop" in problem["detail"]

    desk = staff_login(accounts, config, "desk@shop.example", "staff")
    admin = staff_login(accounts, config, "admin@shop.example", "staff_admin")
    found = client.get("/api/v1/staff/companies/tax-ids/it-01234567890", headers=desk)
    assert found.status_code == 200, found.text
    holder = found.json()
    assert holder["company"]["id"] == squatter["company_id"] and holder["company"]["name"] == SQUATTER["name"]
    assert [p["email"] for p in holder["representatives"]] == ["nobody@imitazioni.example"]

    path = f"/api/v1/staff/companies/{squatter['company_id']}/release-tax-id"
    assert client.post(path, headers=desk).status_code == 403  # a staff administrator's decision
    customer = accounts.as_user(accounts.token("nobody@imitazioni.example"))
    assert client.post(path, headers=customer).status_code == 403
    released = client.post(path, headers=admin)
    assert released.status_code == 200, released.text
    assert released.json()["company"]["tax_id_released_at"] is not None
    assert released.json()["company"]["tax_id"] == SQUATTER["tax_id"]  # kept on record as they gave it

    assert accounts.register("boss@rossi.it", company=COMPANY).status_code == 201
    real = client.get("/api/v1/staff/companies/tax-ids/IT01234567890", headers=desk).json()
    assert [p["email"] for p in real["representatives"]] == ["boss@rossi.it"]
    # The squatter's people keep their accounts; only the number went.
    assert client.get("/api/v1/me", headers=customer).status_code == 200


def test_looking_up_or_releasing_what_does_not_exist_is_404(accounts, client, config):
    admin = staff_login(accounts, config, "admin@shop.example", "staff_admin")
    assert_problem(client.get("/api/v1/staff/companies/tax-ids/IT99999999999", headers=admin), 404,
                   "company-not-found")
    assert_problem(client.post("/api/v1/staff/companies/no-such-company/release-tax-id", headers=admin), 404,
                   "company-not-found")
