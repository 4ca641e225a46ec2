import pytest

from gateway.openapi import build_spec
from gateway.service import GatewayService


@pytest.fixture(scope="module")
def document():
    """The OpenAPI document the gateway serves (built as GET /api/v1/openapi.json builds it)."""
    return build_spec(GatewayService)
