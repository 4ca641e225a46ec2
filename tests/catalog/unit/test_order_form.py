"""A service's order form: the definition staff write, and what a customer fills in."""
import pytest

from services.catalog.domain.errors import FormNotFilledIn, InvalidOrderForm
from services.catalog.domain.forms import OrderForm

FORM = OrderForm.from_definition([
    {"name": "address", "label": "Address", "type": "text", "required": True, "max_length": 20},
    {"name": "floor", "label": "Floor", "type": "number", "min": 0, "max": 30},
    {"name": "day", "label": "Day", "type": "date", "required": True},
    {"name": "mount", "label": "Mount", "type": "choice", "choices": ["altazimuth", "equatorial"]},
])


def problems(values):
    with pytest.raises(FormNotFilledIn) as caught:
        FORM.clean(values)
    return caught.value.fields


def test_a_well_filled_form_comes_back_in_canonical_form():
    cleaned = FORM.clean({"address": "  Via Roma 1 ", "floor": "2.5", "day": "2026-12-01", "mount": "equatorial"})
    assert cleaned == {"address": "Via Roma 1", "floor": 2.5, "day": "2026-12-01", "mount": "equatorial"}
    assert FORM.clean({"address": "x", "day": "2026-12-01", "floor": 3})["floor"] == 3


def test_required_fields_must_be_present_and_not_blank():
    assert problems({"address": "   "}) == {"address": ["Required."], "day": ["Required."]}


def test_each_type_is_checked_and_keyed_by_the_field_name():
    found = problems({"address": 42, "floor": "two", "day": "01/12/2026", "mount": "dobsonian"})
    assert set(found) == {"address", "floor", "day", "mount"}
    assert "one of" in found["mount"][0]


@pytest.mark.parametrize("value", [True, "nan", "Infinity", [], -1, 31])
def test_numbers_must_be_finite_numbers_within_bounds(value):
    assert "floor" in problems({"address": "x", "day": "2026-12-01", "floor": value})


@pytest.mark.parametrize("value", ["2026-02-30", "2026-1-1", "tomorrow", 20261201])
def test_dates_must_be_real_iso_dates(value):
    assert "day" in problems({"address": "x", "day": value})


def test_text_longer_than_its_limit_is_refused():
    assert problems({"address": "x" * 21, "day": "2026-12-01"}) == {"address": ["At most 20 characters."]}


def test_unknown_fields_are_refused_by_name():
    assert problems({"address": "x", "day": "2026-12-01", "colour": "red"}) == {"colour": ["This form has no such field."]}


def test_a_definition_survives_a_round_trip():
    assert OrderForm.from_definition(FORM.as_definition()) == FORM
    assert FORM.as_definition()[1] == {"name": "floor", "label": "Floor", "type": "number", "required": False,
                                       "min": 0, "max": 30}


@pytest.mark.parametrize("field, attribute", [
    ({"name": "x", "label": "X", "type": "choice"}, "choices"),
    ({"name": "x", "label": "X", "type": "text", "choices": ["a"]}, "choices"),
    ({"name": "x", "label": "X", "type": "choice", "choices": ["a", "a"]}, "choices"),
    ({"name": "x", "label": "X", "type": "number", "max_length": 5}, "max_length"),
    ({"name": "x", "label": "X", "type": "text", "min": 1}, "min"),
    ({"name": "x", "label": "X", "type": "number", "min": 5, "max": 1}, "max"),
    ({"name": "X y", "label": "X", "type": "text"}, "name"),
    ({"name": "x", "label": "X", "type": "colour"}, "type"),
])
def test_a_definition_that_cannot_be_filled_is_refused_at_its_position(field, attribute):
    with pytest.raises(InvalidOrderForm) as caught:
        OrderForm.from_definition([{"name": "ok", "label": "OK", "type": "text"}, field])
    assert set(caught.value.fields["form"]) == {"1"}
    assert attribute in caught.value.fields["form"]["1"]


def test_two_fields_may_not_share_a_name():
    with pytest.raises(InvalidOrderForm) as caught:
        OrderForm.from_definition([{"name": "a", "label": "A", "type": "text"}] * 2)
    assert caught.value.fields == {"form": {"1": {"name": ["Another field already has this name."]}}}
