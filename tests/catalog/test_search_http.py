"""Searching the catalog through the gateway: ranking, languages, pagination, filters, bad input."""
import pytest

from tests.catalog.harness import assert_problem, money

SEARCH = "/api/v1/catalog/products"


def seed(db):
    db.add_product(code="AB-1234", name="Widget standard", technical_description="Stainless steel housing.",
                   producer="Acme Tools", categories=["Hardware"], thumbnail_url="https://img.example/ab-1234.jpg")
    db.add_product(code="AB-12345", name="Widget plus", technical_description="A larger one.",
                   producer="Acme Tools", categories=["Hardware"])
    # Mentions AB-1234 twice in a short name: on text relevance alone it would beat AB-1234 itself.
    db.add_product(code="XY-9", name="AB-1234 widgets cable, AB-1234", technical_description="Fits every model.",
                   producer="Northwind", categories=["Hardware"])
    db.add_product(code="PT-1", name="Stainless pot", technical_description="Induction base, 5 l.",
                   producer="Northwind", categories=["Kitchen"])
    db.add_product(code="KIT/2", name="Starter kit", technical_description="Two of everything.")
    db.add_product(code="DE-1", name="Ökologischer Dünger", technical_description="Ökologisch hergestellt, Größe 5 kg.",
                   producer="Ökowerk GmbH", categories=["Gartengeräte"], showcases=["Novità"])
    db.add_product(code="PL-1", name="Farba akrylowa żółć kadmowa", technical_description="Szybkoschnąca, z Łodzi.",
                   producer="Zakłady Łódź", categories=["Farby"])
    db.add_product(code="UA-1", name="Телескоп рефрактор", technical_description="Оптичний прилад для початківців.",
                   producer="Арсенал-Оптика", categories=["Оптика"], showcases=["Novità"])
    db.add_product(code="IT-1", name="Caffè macinato", technical_description="Tostato in città, perché il gusto conta.",
                   categories=["Alimentari"])
    db.add_product(code="OLD-1", name="Телескоп старий", technical_description="Знятий з продажу.")
    db.deactivate("OLD-1")
    for number in range(25):
        db.add_product(code=f"VT-{number:03d}", name=f"Vite inox M{number}", technical_description="Bulloneria.",
                       categories=["Bulloneria"], showcases=["Offerte"] if number % 2 else [],
                       price=money(f"{(number * 7) % 25 + 1}.00"))


@pytest.fixture(scope="module")
def client(seeded):
    return seeded[1]


def search(client, **params):
    response = client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def codes(client, **params):
    return [item["code"] for item in search(client, **params)["items"]]


# -- ranking ---------------------------------------------------------------------------
def test_an_exact_code_ranks_first_then_codes_starting_with_it_then_text(client):
    assert codes(client, q="AB-1234") == ["AB-1234", "AB-12345", "XY-9"]


def test_codes_match_without_regard_to_case(client):
    assert codes(client, q="ab-1234")[0] == "AB-1234"


def test_a_code_prefix_finds_the_codes_that_start_with_it(client):
    assert codes(client, q="ab-123")[:2] == ["AB-1234", "AB-12345"]
    assert codes(client, q="vt-00") == [f"VT-{n:03d}" for n in range(10)]


def test_a_code_with_a_slash_is_found(client):
    assert codes(client, q="KIT/2")[0] == "KIT/2"


def test_a_word_in_the_name_ranks_above_the_same_word_in_the_description(client):
    assert codes(client, q="stainless") == ["PT-1", "AB-1234"]


def test_words_of_the_technical_description_are_found(client):
    assert codes(client, q="induction") == ["PT-1"]


def test_every_word_must_match_and_the_last_is_a_prefix(client):
    assert codes(client, q="widget sta") == ["AB-1234"]
    assert codes(client, q="widget телескоп") == []


def test_a_hit_carries_the_salient_data_price_and_thumbnail(client):
    [hit] = search(client, q="AB-1234", per_page=1)["items"]
    assert hit == {"code": "AB-1234", "name": "Widget standard", "producer": {"slug": "acme-tools", "name": "Acme Tools"},
                   "price": {"amount": "10.00", "currency": "EUR"}, "vat_rate": "22.00", "stock_status": "in_stock",
                   "thumbnail_url": "https://img.example/ab-1234.jpg"}


# -- languages, accents, case --------------------------------------------------------------
@pytest.mark.parametrize("q, code", [
    ("okologisch", "DE-1"), ("OKOLOGISCHER dunger", "DE-1"), ("Ökologisch", "DE-1"),
    ("grosse", "DE-1"), ("größe", "DE-1"),                       # ß both ways
    ("caffe", "IT-1"), ("perche", "IT-1"), ("citta", "IT-1"),   # Italian accents
    ("zolc", "PL-1"), ("żółć", "PL-1"), ("lodzi", "PL-1"), ("szybkoschnaca", "PL-1"),  # Polish, ł included
    ("телеск", "UA-1"), ("ТЕЛЕСКОП", "UA-1"), ("оптичний", "UA-1"), ("початків", "UA-1"),  # Ukrainian
])
def test_search_is_accent_and_case_insensitive_in_each_language(client, q, code):
    assert codes(client, q=q) == [code]


def test_an_inactive_product_is_not_found(client):
    assert codes(client, q="старий") == []
    assert codes(client, q="OLD-1") == []


def test_known_limit_a_transliterated_umlaut_is_not_folded(client):
    # "oe" for "ö" is a German typing convention, not an accent: neither engine maps it.
    assert codes(client, q="oekologisch") == []


# -- pagination, filters, sorting --------------------------------------------------------------
def test_pages_cover_every_hit_once_with_totals(client):
    pages = [search(client, category="bulloneria", per_page=10, page=page) for page in (1, 2, 3, 4)]
    assert [(p["total"], p["pages"], p["page"], len(p["items"])) for p in pages] == [
        (25, 3, 1, 10), (25, 3, 2, 10), (25, 3, 3, 5), (25, 3, 4, 0)]
    seen = [item["code"] for page in pages for item in page["items"]]
    assert sorted(seen) == [f"VT-{n:03d}" for n in range(25)]


def test_a_text_search_is_paginated_too(client):
    last = search(client, q="vite", per_page=10, page=3)
    assert (last["total"], last["pages"], len(last["items"])) == (25, 3, 5)
    assert search(client, q="vite", per_page=10, page=9)["total"] == 25


def test_an_empty_query_lists_every_active_product(client):
    assert search(client, per_page=1)["total"] == 34


@pytest.mark.parametrize("params, expected", [
    ({"producer": "northwind"}, {"XY-9", "PT-1"}),
    ({"showcase": "novita"}, {"DE-1", "UA-1"}),
    ({"category": "hardware", "q": "widget"}, {"AB-1234", "AB-12345", "XY-9"}),
    ({"category": "kitchen", "q": "stainless"}, {"PT-1"}),
    ({"category": "оптика"}, {"UA-1"}),
    ({"category": "no-such-category"}, set()),
])
def test_filters_by_category_producer_and_showcase(client, params, expected):
    assert set(codes(client, per_page=100, **params)) == expected


@pytest.mark.parametrize("q", ["", "vite"])
def test_sorting_by_price_both_ways(client, q):
    amounts = [float(i["price"]["amount"]) for i in search(client, q=q, category="bulloneria", per_page=100,
                                                            sort="price_asc")["items"]]
    assert amounts == sorted(amounts) and len(amounts) == 25
    descending = [float(i["price"]["amount"]) for i in search(client, q=q, category="bulloneria", per_page=100,
                                                              sort="price_desc")["items"]]
    assert descending == sorted(amounts, reverse=True)


def test_sorting_by_name(client):
    names = [i["name"] for i in search(client, q="widget", sort="name")["items"]]
    assert names == sorted(names)


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("q", ['"', '""', "*", "a*", "NEAR(widget stainless)", "NEAR", "(((", ")", "widget OR pot",
                               "widget AND", "NOT widget", "name:widget", "^widget", "-widget", "'; DROP TABLE products; --",
                               "\\", "%", "_", "'", "a:*", "!", "<->", "&|", "🙂", "　", "ω"])
def test_search_syntax_in_q_gives_a_clean_answer(client, q):
    response = client.get(SEARCH, params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["total"] >= 0
    assert search(client, q="widget")["total"] == 3  # and the catalog is still there


def test_a_nul_in_q_is_a_problem_on_q_not_an_error(client):
    # The gateway refuses NUL everywhere (PostgreSQL cannot store it): a 422 naming q.
    response = client.get(SEARCH, params={"q": "wid\x00get"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"q"}
    assert search(client, q="widget")["total"] == 3


def test_search_words_inside_fts_syntax_still_find_products(client):
    assert codes(client, q='"widget" NEAR(stainless*)') == []  # "near" is just a word: no product has it
    assert codes(client, q='(widget) "standard"') == ["AB-1234"]


def test_a_query_of_200_characters_is_fine_but_201_is_a_problem_on_q(client):
    assert client.get(SEARCH, params={"q": "a" * 200}).status_code == 200
    body = assert_problem(client.get(SEARCH, params={"q": "a" * 201}), 422, "validation-failed")
    assert set(body["errors"]) == {"q"}


@pytest.mark.parametrize("params, field", [
    ({"per_page": 101}, "per_page"), ({"per_page": 0}, "per_page"), ({"page": 0}, "page"), ({"page": -1}, "page"),
    ({"page": "two"}, "page"), ({"per_page": "1.5"}, "per_page"), ({"sort": "random"}, "sort"),
    ({"category": "x" * 101}, "category"), ({"colour": "red"}, "colour"),
])
def test_invalid_parameters_are_422_naming_the_field(client, params, field):
    body = assert_problem(client.get(SEARCH, params=params), 422, "validation-failed")
    assert set(body["errors"]) == {field}


def test_a_page_far_past_the_end_is_empty_not_an_error(client):
    page = search(client, q="widget", page=10_000, per_page=100)
    assert (page["items"], page["total"], page["pages"]) == ([], 3, 1)
    assert search(client, page=10_000, per_page=100)["total"] == 34
    assert set(assert_problem(client.get(SEARCH, params={"page": 10_001}), 422, "validation-failed")["errors"]) == {
        "page"}  # the bound every list has (services/chassis/paging.py)


def test_a_page_number_beyond_any_catalog_is_422_not_an_overflow(client):
    body = assert_problem(client.get(SEARCH, params={"q": "widget", "page": 10 ** 30}), 422, "validation-failed")
    assert set(body["errors"]) == {"page"}
