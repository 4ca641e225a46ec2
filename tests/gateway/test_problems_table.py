"""Every row of the one error table: category -> status and problem type."""
import json

import pytest
from marshmallow import ValidationError
from nameko.exceptions import deserialize, serialize
from werkzeug.exceptions import MethodNotAllowed, NotFound

from gateway import problems
from services.chassis import errors


class WindowClosed(errors.Conflict):  # a service's own error, unknown to the gateway
    problem = "return-window-closed"
    title = "The return window is closed."


@pytest.mark.parametrize(
    "category, status",
    [
        (errors.Invalid, 422),
        (errors.Unauthenticated, 401),
        (errors.Forbidden, 403),
        (errors.NotFound, 404),
        (errors.Conflict, 409),
        (errors.RateLimited, 429),
        (errors.ServiceUnavailable, 503),
        (errors.ServiceTimeout, 504),
    ],
)
def test_each_category_maps_to_its_status(category, status):
    response = problems.from_exception(category("detail here"), request_id="r1")
    body = json.loads(response.get_data())
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert body["type"] == problems.PROBLEM_BASE + category.problem
    assert body["detail"] == "detail here"
    assert body["request_id"] == "r1"


def test_a_service_error_crosses_the_wire_as_its_category_keeping_its_problem_type():
    wire = WindowClosed("Delivered 20 days ago.", extra={"days": 20}).as_category()
    arrived = deserialize(json.loads(json.dumps(serialize(wire))))
    assert type(arrived) is errors.Conflict
    response = problems.from_exception(arrived)
    body = json.loads(response.get_data())
    assert response.status_code == 409
    assert body["type"].endswith("/return-window-closed")
    assert body["title"] == "The return window is closed."
    assert body["days"] == 20


def test_rate_limited_sets_retry_after():
    response = problems.from_exception(errors.RateLimited("slow down", extra={"retry_after": 30}))
    assert response.headers["Retry-After"] == "30"
    assert "retry_after" not in json.loads(response.get_data())


def test_validation_error_lists_fields():
    response = problems.from_exception(ValidationError({"email": ["Not a valid email address."]}))
    assert response.status_code == 422
    assert json.loads(response.get_data())["errors"] == {"email": ["Not a valid email address."]}


def test_http_errors_become_problems():
    assert problems.from_exception(NotFound()).status_code == 404
    response = problems.from_exception(MethodNotAllowed(valid_methods=["GET"]))
    assert response.status_code == 405 and response.headers["Allow"] == "GET"


def test_an_unexpected_error_is_a_500_problem_that_leaks_nothing():
    response = problems.from_exception(RuntimeError("password=hunter2 at db.internal"), request_id="r9")
    body = json.loads(response.get_data())
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "hunter2" not in response.get_data(as_text=True)
    assert body["request_id"] == "r9"
