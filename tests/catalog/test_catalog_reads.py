"""Product detail, the lists, services with their forms, and the RPC other services use."""
import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from tests.catalog.harness import assert_problem, money
from tests.support.rpc import operator_rpc

SERVICE_IDS: dict[str, str] = {}
FIXED_FORM = [
    {"name": "address", "label": "Indirizzo", "type": "text", "required": True, "max_length": 200},
    {"name": "floor", "label": "Piano", "type": "number", "min": 0, "max": 30},
    {"name": "day", "label": "Giorno", "type": "date", "required": True},
]


def seed(db):
    db.add_product(code="TEL-70", name="Телескоп рефрактор 70 мм", technical_description="Оптичний прилад.",
                   producer="Арсенал-Оптика", categories=["Оптика", "Astronomia"], showcases=["Novità"],
                   price=money("129.90"), vat_rate="20.00", stock_status="low_stock",
                   thumbnail_url="https://img.example/tel-70/thumb.jpg",
                   image_urls=["https://img.example/tel-70/1.jpg", "https://img.example/tel-70/2.jpg"])
    db.add_product(code="KIT/2", name="Starter kit", categories=["Astronomia"], producer="Acme")
    db.add_product(code="OLD-1", name="Old lens", categories=["Astronomia"], producer="Acme")
    db.deactivate("OLD-1")
    fixed = db.add_service(category="Installazione", name="Montaggio a domicilio", pricing="fixed",
                           price=money("49.00"), vat_rate="22.00", description="Un tecnico monta a casa.",
                           form=FIXED_FORM)
    quote = db.add_service(category="Progettazione", name="Progetto irrigazione", pricing="quote", vat_rate="22.00",
                           form=[{"name": "area", "label": "m²", "type": "number", "required": True, "min": 10},
                                 {"name": "garden", "label": "Giardino", "type": "choice", "choices": ["prato", "orto"]}])
    retired = db.add_service(category="Progettazione", name="Servizio dismesso", pricing="quote", vat_rate="22.00",
                             active=False)
    SERVICE_IDS.update(fixed=fixed.id, quote=quote.id, retired=retired.id)


@pytest.fixture(scope="module")
def client(seeded):
    return seeded[1]


@pytest.fixture(scope="module")
def catalog(seeded):
    with operator_rpc(seeded[0].config) as proxy:
        yield proxy.catalog


# -- products ------------------------------------------------------------------------------
def test_product_detail_has_everything_about_the_product(client):
    response = client.get("/api/v1/catalog/products/TEL-70")
    assert response.status_code == 200
    assert response.json() == {
        "code": "TEL-70", "name": "Телескоп рефрактор 70 мм", "technical_description": "Оптичний прилад.",
        "producer": {"slug": "арсенал-оптика", "name": "Арсенал-Оптика"},
        "categories": [{"slug": "astronomia", "name": "Astronomia"}, {"slug": "оптика", "name": "Оптика"}],
        "showcases": [{"slug": "novita", "name": "Novità"}],
        "price": {"amount": "129.90", "currency": "EUR"}, "vat_rate": "20.00", "stock_status": "low_stock",
        "thumbnail_url": "https://img.example/tel-70/thumb.jpg",
        "image_urls": ["https://img.example/tel-70/1.jpg", "https://img.example/tel-70/2.jpg"], "active": True,
    }


def test_product_detail_by_code_in_any_case_and_with_a_slash(client):
    assert client.get("/api/v1/catalog/products/tel-70").json()["code"] == "TEL-70"
    assert client.get("/api/v1/catalog/products/KIT/2").json()["code"] == "KIT/2"


def test_an_inactive_product_still_has_its_page_marked_inactive(client):
    assert client.get("/api/v1/catalog/products/OLD-1").json()["active"] is False


def test_an_unknown_code_is_a_404_problem(client):
    body = assert_problem(client.get("/api/v1/catalog/products/NOPE-1"), 404, "product-not-found")
    assert "NOPE-1" in body["detail"]


def test_categories_producers_and_showcases_with_active_product_counts(client):
    assert client.get("/api/v1/catalog/categories").json()["items"] == [
        {"slug": "astronomia", "name": "Astronomia", "count": 2}, {"slug": "оптика", "name": "Оптика", "count": 1}]
    assert client.get("/api/v1/catalog/producers").json()["items"] == [
        {"slug": "acme", "name": "Acme", "count": 1}, {"slug": "арсенал-оптика", "name": "Арсенал-Оптика", "count": 1}]
    assert client.get("/api/v1/catalog/showcases").json()["items"] == [{"slug": "novita", "name": "Novità", "count": 1}]


def test_a_cart_is_priced_in_one_call_with_missing_codes_listed(catalog):
    answer = catalog.get_products(["kit/2", "TEL-70", "NOPE", "OLD-1", "TEL-70"])
    assert [p["code"] for p in answer["products"]] == ["KIT/2", "TEL-70", "OLD-1"]
    assert answer["missing"] == ["NOPE"]
    telescope = answer["products"][1]
    assert telescope == {"code": "TEL-70", "name": "Телескоп рефрактор 70 мм", "price": money("129.90"),
                         "vat_rate": "20.00", "stock_status": "low_stock", "active": True}
    assert answer["products"][2]["active"] is False


def test_a_malformed_rpc_argument_is_invalid_not_a_crash(catalog):
    with pytest.raises(Invalid):
        catalog.get_product(["TEL-70"])
    with pytest.raises(Invalid):
        catalog.get_products("TEL-70")


def test_the_openapi_document_describes_the_catalog(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    search = document["paths"]["/api/v1/catalog/products"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "page", "per_page", "category", "producer", "showcase",
                                                          "sort"}
    assert "422" in search["responses"]
    assert "SearchPage" in search["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert "patch" in document["paths"]["/api/v1/staff/catalog/products/{code}"]


def test_a_price_lookup_of_too_many_codes_is_invalid(catalog):
    with pytest.raises(Invalid) as caught:
        catalog.get_products([f"C-{n}" for n in range(501)])
    assert set(caught.value.fields) == {"codes"}


# -- services ------------------------------------------------------------------------------
def test_service_categories_count_active_services(client):
    assert client.get("/api/v1/catalog/service-categories").json()["items"] == [
        {"slug": "installazione", "name": "Installazione", "count": 1},
        {"slug": "progettazione", "name": "Progettazione", "count": 1}]


def test_services_of_a_category_with_pricing_and_form(client):
    [service] = client.get("/api/v1/catalog/services", params={"category": "progettazione"}).json()["items"]
    assert service["id"] == SERVICE_IDS["quote"]
    assert (service["pricing"], service["price"]) == ("quote", None)
    assert service["form"][1] == {"name": "garden", "label": "Giardino", "type": "choice", "required": False,
                                  "choices": ["prato", "orto"]}
    everything = client.get("/api/v1/catalog/services").json()["items"]
    assert [s["name"] for s in everything] == ["Montaggio a domicilio", "Progetto irrigazione"]


def test_service_detail_and_unknown_service(client):
    service = client.get(f"/api/v1/catalog/services/{SERVICE_IDS['fixed']}").json()
    assert (service["pricing"], service["price"], service["category"]["slug"]) == ("fixed", money("49.00"),
                                                                                   "installazione")
    assert [f["name"] for f in service["form"]] == ["address", "floor", "day"]
    assert_problem(client.get("/api/v1/catalog/services/not-a-service"), 404, "service-not-found")


def test_a_filled_form_is_cleaned_by_rpc(catalog):
    answer = catalog.validate_service_form(SERVICE_IDS["fixed"], {"address": " Via Roma 1 ", "floor": "3",
                                                                  "day": "2026-12-01"})
    assert answer == {"service_id": SERVICE_IDS["fixed"], "values": {"address": "Via Roma 1", "floor": 3,
                                                                     "day": "2026-12-01"}}


def test_a_badly_filled_form_is_invalid_keyed_by_form_field(catalog):
    with pytest.raises(Invalid) as caught:
        catalog.validate_service_form(SERVICE_IDS["fixed"], {"floor": 99, "day": "soon", "colour": "red"})
    assert caught.value.problem == "order-form-invalid"
    assert set(caught.value.fields) == {"address", "floor", "day", "colour"}


def test_the_form_of_an_unknown_or_retired_service_cannot_be_validated(catalog):
    with pytest.raises(NotFound):
        catalog.validate_service_form("00000000-0000-0000-0000-000000000000", {})
    with pytest.raises(Conflict) as caught:
        catalog.validate_service_form(SERVICE_IDS["retired"], {})
    assert caught.value.problem == "service-not-offered"


def test_service_lookup_by_rpc(catalog):
    assert catalog.get_service(SERVICE_IDS["quote"])["name"] == "Progetto irrigazione"
