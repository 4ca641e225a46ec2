"""Problems in the customer's language, through the running shop (issue 18 item 4).

The same validation error (a registration with a bad e-mail and the terms not accepted) in each
of the five languages; a signed-in customer's profile language over Accept-Language; q-values;
an unsupported language falling back to English; and the page behind every problem type.
"""
import pytest

from gateway import problem_languages as languages
from gateway.problems import PROBLEM_BASE

ALL = ("accounts", "catalog", "orders", "returns", "messaging")
PASSWORD = "correct horse battery"
BAD_REGISTRATION = {"email": "not-an-address", "password": PASSWORD, "first_name": "Anna",
                    "last_name": "Verdi", "accept_terms": False}
# language: (title, the e-mail's message, the terms' message) -- written out, not read from the catalog
EXPECTED = {
    "en": ("The request has invalid fields.", "Not a valid email address.", "The sales terms must be accepted."),
    "it": ("La richiesta contiene campi non validi.", "Indirizzo e-mail non valido.",
           "Le condizioni di vendita devono essere accettate."),
    "de": ("Die Anfrage enthält ungültige Felder.", "Keine gültige E-Mail-Adresse.",
           "Die Verkaufsbedingungen müssen akzeptiert werden."),
    "pl": ("Żądanie zawiera nieprawidłowe pola.", "Nieprawidłowy adres e-mail.",
           "Warunki sprzedaży muszą zostać zaakceptowane."),
    "uk": ("Запит містить недійсні поля.", "Недійсна адреса електронної пошти.", "Умови продажу мають бути прийняті."),
}


@pytest.fixture
def running(system):
    system.start(*ALL, "gateway")
    return system


def register_bad(client, **headers):
    response = client.post("/api/v1/accounts", json=BAD_REGISTRATION, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    return response


def signed_in(client, email: str, language: str) -> dict:
    body = {"email": email, "password": PASSWORD, "first_name": "Anna", "last_name": "Verdi",
            "accept_terms": True, "language": language}
    assert client.post("/api/v1/accounts", json=body).status_code == 201
    login = client.post("/api/v1/auth/login", json={"identifier": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


@pytest.mark.parametrize("language", list(EXPECTED))
def test_a_validation_error_speaks_the_accept_language(running, client, language):
    response = register_bad(client, **{"Accept-Language": language})
    body = response.json()
    title, email_message, terms_message = EXPECTED[language]
    assert body["title"] == title
    assert body["errors"]["email"] == [email_message]
    assert body["errors"]["accept_terms"] == [terms_message]
    assert body["type"] == PROBLEM_BASE + "validation-failed"  # the same in every language
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]


def test_q_values_choose_the_language_and_an_unsupported_one_falls_back_to_english(running, client):
    assert register_bad(client, **{"Accept-Language": "it;q=0.2, fr;q=1, pl;q=0.7"}).json()["title"] == EXPECTED["pl"][0]
    assert register_bad(client, **{"Accept-Language": "de-AT, de;q=0.9"}).json()["title"] == EXPECTED["de"][0]
    fallback = register_bad(client, **{"Accept-Language": "fr-FR, es;q=0.5"})
    assert fallback.json()["errors"]["email"] == [EXPECTED["en"][1]]
    assert fallback.headers["Content-Language"] == "en"
    assert register_bad(client).headers["Content-Language"] == "en"  # no header: English


def test_a_signed_in_customer_gets_problems_in_the_profile_language_whatever_accept_language_says(running, client):
    anna = signed_in(client, "anna.de@example.com", "de")
    # a domain error from the accounts service, with its field
    refused = client.patch("/api/v1/me", json={"new_password": "another horse battery", "current_password": "wrong"},
                           headers=anna)
    assert refused.status_code == 403, refused.text
    body = refused.json()
    assert body["title"] == "Für diese Änderung wird das aktuelle Passwort benötigt, und es stimmte nicht."
    assert body["detail"] == "Geben Sie zur Bestätigung Ihr aktuelles Passwort ein."
    assert body["errors"] == {"current_password": ["Stimmt nicht überein."]}
    assert body["type"] == PROBLEM_BASE + "password-confirmation-failed"
    # a body the gateway refuses: answered after the token check, in the profile's language too
    invalid = client.patch("/api/v1/me", json={"phone": "0341 123"}, headers={**anna, "Accept-Language": "it"})
    assert invalid.status_code == 422, invalid.text
    assert invalid.headers["Content-Language"] == "de"
    assert invalid.json()["title"] == EXPECTED["de"][0]
    assert invalid.json()["errors"] == {"phone": ["Verwenden Sie E.164, z. B. +393401234567."]}


def test_an_invalid_body_with_a_token_nobody_issued_is_401_before_422(running, client):
    response = client.patch("/api/v1/me", json={"phone": "0341 123"}, headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401, response.text
    assert response.json()["type"] == PROBLEM_BASE + "unauthenticated"


def test_the_gateway_s_own_problems_are_localized_too(running, client):
    response = client.get("/api/v1/nowhere", headers={"Accept-Language": "uk"})
    assert response.status_code == 404
    assert response.json()["title"] == "Не знайдено."
    assert response.headers["Content-Language"] == "uk"


def test_every_problem_type_has_its_page_in_each_language(running, client):
    for slug in languages.problem_types():
        for language in languages.LANGUAGES:
            page = client.get(f"/problems/{slug}", headers={"Accept-Language": language})
            assert page.status_code == 200, (slug, language, page.text)
            assert page.headers["Content-Type"] == "text/html; charset=utf-8"
            assert page.headers["Content-Language"] == language
            assert f'<html lang="{language}">' in page.text
            texts = languages.catalog(language)
            assert texts["page"]["todo"] in page.text and f"<code>{slug}</code>" in page.text


def test_a_problem_page_says_what_it_means_and_what_to_do_in_the_language(running, client):
    page = client.get("/problems/validation-failed", headers={"Accept-Language": "de;q=0.9, en;q=0.1"}).text
    assert "<h1>Die Anfrage enthält ungültige Felder.</h1>" in page
    assert "Was zu tun ist" in page and "Korrigieren Sie die in errors genannten Felder" in page
    english = client.get("/problems/validation-failed", headers={"Accept-Language": "fr"}).text
    assert "<h1>The request has invalid fields.</h1>" in english


def test_an_unknown_problem_type_is_a_404_problem(running, client):
    response = client.get("/problems/no-such-thing", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Brak typu problemu o nazwie no-such-thing."


def test_the_document_has_the_problem_pages_and_the_accept_language_header(running, client):
    document = client.get("/api/v1/openapi.json").json()
    page = document["paths"]["/problems/{slug}"]["get"]
    assert page["operationId"] == "getProblemType"
    assert "text/html" in page["responses"]["200"]["content"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {p.get("name") for p in operation.get("parameters", [])}
            assert "Accept-Language" in names, (method, path)
