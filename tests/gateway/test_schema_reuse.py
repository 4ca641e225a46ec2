"""A route builds its query and body schemas once, not per request (building one costs more than a load)."""
from services.catalog import schemas


def test_a_route_loads_every_request_with_one_schema_instance(system, client, monkeypatch):
    system.start("catalog", "gateway")  # the catalog service's own instance is built when it is imported
    built = []
    original = schemas.SearchParams.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(schemas.SearchParams, "__init__", counting_init)
    for q in ("drill", "saw", "lamp"):
        assert client.get("/api/v1/catalog/products", params={"q": q}).status_code == 200
    assert client.get("/api/v1/catalog/products", params={"per_page": "0"}).status_code == 422  # still validates
    assert len(built) == 1, built  # the gateway's, on the first request
