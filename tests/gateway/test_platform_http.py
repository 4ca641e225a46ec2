"""The gateway's HTTP contract: health, problem+json for bad input, correlation ids, OpenAPI."""
import pytest
from openapi_spec_validator import validate

ALL = ("accounts", "catalog", "orders", "returns", "messaging")
REGISTRATION = {
    "email": "Mario.Rossi@example.it",
    "password": "correct horse battery",
    "first_name": "Mario",
    "last_name": "Rossi",
    "accept_terms": True,
}


@pytest.fixture
def running(system):
    system.start(*ALL, "gateway")
    return system


def assert_problem(response, status, problem):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/" + problem)
    assert body["status"] == status
    assert body["title"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_health_reports_every_service_up(running, client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: state["status"] for name, state in body["services"].items()} == {n: "up" for n in ALL}


def test_health_is_503_and_names_the_service_that_is_down(system, client):
    system.start("accounts", "catalog", "orders", "messaging", "gateway")  # no returns
    response = client.get("/health")
    assert response.status_code == 503
    services = response.json()["services"]
    assert services["returns"]["status"] == "down"
    assert services["accounts"]["status"] == "up"


def test_a_request_to_a_service_that_is_not_running_is_503_problem(system, client):
    system.start("gateway")
    body = assert_problem(client.post("/api/v1/accounts", json=REGISTRATION), 503, "service-unavailable")
    assert "accounts" in body["detail"]


def test_malformed_json_is_400(running, client):
    response = client.post("/api/v1/accounts", data=b'{"email": ', headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "malformed-json")


def test_wrong_content_type_is_415(running, client):
    response = client.post("/api/v1/accounts", data="email=a@b.it", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(response, 415, "unsupported-media-type")


def test_huge_body_is_413_before_it_is_read(running, client):
    response = client.post("/api/v1/accounts", data=b"x" * (2 * 1024 * 1024), headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "payload-too-large")


def test_huge_chunked_body_is_413(running, client):
    def chunks():
        for _ in range(40):
            yield b"x" * 65536

    response = client.post("/api/v1/accounts", data=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "payload-too-large")


def test_unknown_route_is_404(running, client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404, "not-found")


def test_wrong_method_is_405_with_allow(running, client):
    response = client.delete("/health")
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response.headers["Allow"]


def test_validation_errors_name_each_field(running, client):
    body = dict(REGISTRATION, email="not-an-email", accept_terms=False, colour="blue")
    del body["last_name"]
    problem = assert_problem(client.post("/api/v1/accounts", json=body), 422, "validation-failed")
    assert set(problem["errors"]) == {"email", "last_name", "colour", "accept_terms"}


def test_a_json_array_is_a_validation_problem_not_a_crash(running, client):
    assert_problem(client.post("/api/v1/accounts", json=[1, 2]), 422, "validation-failed")


def test_domain_error_crosses_rpc_as_its_problem_type(running, client):
    assert client.post("/api/v1/accounts", json=REGISTRATION).status_code == 201
    again = dict(REGISTRATION, email="MARIO.rossi@EXAMPLE.it")  # unique regardless of case
    problem = assert_problem(client.post("/api/v1/accounts", json=again), 409, "account-not-created")
    assert set(problem["errors"]) == {"email"}


def test_request_id_is_accepted_and_echoed_or_generated(running, client):
    mine = client.get("/health", headers={"X-Request-ID": "trace-123.abc"})
    assert mine.headers["X-Request-ID"] == "trace-123.abc"
    unsafe = client.get("/health", headers={"X-Request-ID": "<script>"})
    assert unsafe.headers["X-Request-ID"] != "<script>"
    assert len(unsafe.headers["X-Request-ID"]) == 32


def test_every_response_has_nosniff_and_no_server_version(running, client):
    for response in (client.get("/health"), client.get("/nope")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Server" not in response.headers or "/" not in response.headers["Server"]


def test_openapi_document_is_valid_and_describes_the_routes(running, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    register = document["paths"]["/api/v1/accounts"]["post"]
    assert "Registration" in register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "application/problem+json" in register["responses"]["422"]["content"]
    assert "/health" in document["paths"]


def test_liveness_and_one_service_health(system, client):
    system.start("accounts", "gateway")
    assert client.get("/health/live").json() == {"status": "ok"}
    one = client.get("/health/accounts")
    assert one.status_code == 200 and one.json()["services"]["accounts"]["status"] == "up"
    down = client.get("/health/returns")
    assert down.status_code == 503 and down.json()["services"]["returns"]["status"] == "down"
    assert client.get("/health/nonsense").status_code == 404


def test_nul_and_unpaired_surrogates_are_refused_naming_the_field(running, client):
    body = dict(REGISTRATION, first_name="Ma\u0000rio")
    problem = assert_problem(client.post("/api/v1/accounts", json=body), 422, "validation-failed")
    assert set(problem["errors"]) == {"first_name"}
    raw = b'{"email": "a@b.it", "password": "long enough pass", "first_name": "\\udb67", "last_name": "x", "accept_terms": true}'
    problem = assert_problem(client.post("/api/v1/accounts", data=raw, headers={"Content-Type": "application/json"}),
                             422, "validation-failed")
    assert set(problem["errors"]) == {"first_name"}
    assert_problem(client.get("/api/v1/catalog/products/AB%00CD"), 422, "validation-failed")
