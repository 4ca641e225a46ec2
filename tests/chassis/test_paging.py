"""The one list envelope (services/chassis/paging.py): bounds, a page past the end, one schema per item."""
import pytest
from marshmallow import Schema, ValidationError, fields

from services.chassis.paging import MAX_PAGE, MAX_PER_PAGE, PageOf, PageQuery, page_of_list, read_page


class Row(Schema):
    n = fields.Integer()


def test_page_and_per_page_are_bounded_naming_the_field():
    assert PageQuery().load({}) == {"page": 1, "per_page": 20}
    assert PageQuery().load({"page": str(MAX_PAGE), "per_page": str(MAX_PER_PAGE)}) == {"page": MAX_PAGE,
                                                                                        "per_page": MAX_PER_PAGE}
    for bad, field in (({"per_page": MAX_PER_PAGE + 1}, "per_page"), ({"per_page": 0}, "per_page"),
                       ({"page": MAX_PAGE + 1}, "page"), ({"page": 0}, "page")):
        with pytest.raises(ValidationError) as refused:
            PageQuery().load(bad)
        assert set(refused.value.messages) == {field}


def test_a_page_past_the_end_counts_and_reads_no_rows():
    asked = []

    def rows(offset, limit):
        asked.append((offset, limit))
        return [{"n": n} for n in range(offset, min(offset + limit, 45))]

    assert read_page(lambda: 45, rows, {"page": 3, "per_page": 20}) == {
        "items": [{"n": n} for n in range(40, 45)], "page": 3, "per_page": 20, "total": 45, "pages": 3}
    assert read_page(lambda: 45, rows, {"page": MAX_PAGE, "per_page": 20}) == {
        "items": [], "page": MAX_PAGE, "per_page": 20, "total": 45, "pages": 3}
    assert read_page(lambda: 0, rows, {"page": 1, "per_page": 20})["items"] == []
    assert asked == [(40, 20)]  # the page past the end and the empty list asked for no row


def test_a_short_list_pages_in_memory_with_the_same_envelope():
    assert page_of_list(list(range(5)), {"page": 2, "per_page": 2}) == {
        "items": [2, 3], "page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert page_of_list(list(range(5)), {"page": 4, "per_page": 2})["items"] == []


def test_one_envelope_schema_per_item_schema():
    page = PageOf(Row, "RowPage")
    assert PageOf(Row, "RowPage") is page
    assert page().dump({"items": [{"n": 1}], "page": 1, "per_page": 20, "total": 1, "pages": 1})["items"] == [{"n": 1}]
    assert {name for name, field in page._declared_fields.items() if field.required} == {
        "items", "page", "per_page", "total", "pages"}

    class Other(Schema):
        m = fields.Integer()
    with pytest.raises(ValueError):
        PageOf(Other, "RowPage")
