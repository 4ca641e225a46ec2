"""Deeply nested JSON is a client's mistake (400 problem), never a RecursionError and a 500 (REVIEW R12).

Python's JSON reader recurses once per level and so do the checks that walk the body after it;
the gateway refuses a body nested deeper than 64 levels before anything recurses into it.
"""
import json

import pytest

from gateway.problems import HttpProblem
from tests.gateway.test_platform_http import assert_problem

MAX_DEPTH = 64

LOGIN = "/api/v1/auth/login"
JSON = {"Content-Type": "application/json"}


def nested_arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def nested_objects(depth: int, leaf: bytes = b"1") -> bytes:
    return b'{"a":' * depth + leaf + b"}" * depth


@pytest.fixture
def gateway(system):
    system.start("gateway")  # the body is read and checked before any service is asked


@pytest.mark.parametrize("body", [b"[" * 5000, nested_arrays(5000), nested_objects(5000),
                                  b'{"identifier": "a@example.it", "password": ' + nested_arrays(100_000) + b"}"],
                         ids=["open-brackets", "arrays", "objects", "deep-field"])
def test_a_body_nested_thousands_deep_is_a_400_problem(gateway, client, body):
    problem = assert_problem(client.post(LOGIN, data=body, headers=JSON), 400, "malformed-json")
    assert "nest" in problem["detail"]


def test_nesting_up_to_the_limit_reaches_the_schema_and_one_more_is_refused(gateway, client):
    at_limit = b'{"identifier": "a@example.it", "password": ' + nested_arrays(MAX_DEPTH - 1) + b"}"
    assert_problem(client.post(LOGIN, data=at_limit, headers=JSON), 422, "validation-failed")
    over = b'{"identifier": "a@example.it", "password": ' + nested_arrays(MAX_DEPTH) + b"}"
    assert_problem(client.post(LOGIN, data=over, headers=JSON), 400, "malformed-json")


def parse_json(body: bytes):
    from gateway.jsonbody import MAX_DEPTH as limit, parse_json

    assert limit == MAX_DEPTH
    return parse_json(body)


def test_brackets_inside_strings_are_not_nesting():
    text = "[{" * 5000 + '\\"' + "]}"
    assert parse_json(json.dumps({"password": text}).encode()) == {"password": text}
    assert parse_json(b'["\\\\", [["[[[["]]]') == ["\\", [["[[[["]]]


def test_the_depth_is_counted_whatever_the_encoding_and_however_the_levels_are_spread():
    assert parse_json(nested_arrays(MAX_DEPTH)) is not None
    for body in (nested_arrays(MAX_DEPTH + 1), ("[" * (MAX_DEPTH + 1)).encode("utf-16"),
                 b"[" + b"[], " * 10_000 + nested_objects(MAX_DEPTH, b"[]") + b"]"):
        with pytest.raises(HttpProblem) as refused:
            parse_json(body)
        assert refused.value.status == 400 and "nest" in refused.value.detail
    wide = b"[" + b"[1], " * 10_000 + b"[2]]"  # many brackets, two levels: fine
    assert len(parse_json(wide)) == 10_001


def test_malformed_json_that_is_shallow_keeps_its_own_message():
    for body in (b"[}", b'{"a": ', b"[" * 3 + b"}" * 3):
        with pytest.raises(HttpProblem) as refused:
            parse_json(body)
        assert refused.value.problem == "malformed-json" and "nest" not in refused.value.detail
