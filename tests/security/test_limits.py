"""Pagination caps: no list answer can be asked to be arbitrarily long."""
from marshmallow import ValidationError

from gateway.openapi import routes_of
from gateway.service import GatewayService

MAX_PER_PAGE = 100


def paginated_routes():
    return [r for r in routes_of(GatewayService) if r.query_schema is not None and "per_page" in r.query_schema().fields]


def test_every_paginated_route_caps_per_page_and_refuses_more():
    routes = paginated_routes()
    assert len(routes) >= 6  # catalog search, orders, returns, messages and the staff lists
    for route in routes:
        schema = route.query_schema()
        assert schema.load({"per_page": str(MAX_PER_PAGE)})["per_page"] == MAX_PER_PAGE, route.url
        for too_many in (str(MAX_PER_PAGE + 1), "1000000", "-1", "0"):
            try:
                schema.load({"per_page": too_many})
            except ValidationError as exc:
                assert "per_page" in exc.messages, route.url
            else:
                raise AssertionError(f"{route.url} accepts per_page={too_many}")
        assert schema.load({})["per_page"] <= 20, route.url  # a small default
