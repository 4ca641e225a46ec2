"""A service's order form: the typed fields a customer fills in when buying it.

Plain Python. :meth:`OrderForm.from_definition` checks the form staff define;
:meth:`OrderForm.clean` checks what a customer filled in and returns the
values in a canonical form (numbers as numbers, dates as ISO strings),
with every problem keyed by the form field's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from services.catalog.domain.errors import FormNotFilledIn, InvalidOrderForm

FIELD_TYPES = ("text", "number", "date", "choice")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_FIELDS = 50
DEFAULT_MAX_LENGTH = 2000  # a text field without a limit still may not carry a novel


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    min: Decimal | None = None
    max: Decimal | None = None

    def problems(self) -> dict[str, list[str]]:
        """What is wrong with this field's definition, keyed by attribute."""
        found: dict[str, list[str]] = {}
        if not FIELD_NAME.match(self.name):
            found["name"] = ["Use lower-case letters, digits and _, starting with a letter (at most 40)."]
        if self.type not in FIELD_TYPES:
            found["type"] = [f"Must be one of {', '.join(FIELD_TYPES)}."]
        if self.type == "choice" and not self.choices:
            found["choices"] = ["A choice field needs at least one choice."]
        if self.type != "choice" and self.choices:
            found["choices"] = ["Only a choice field has choices."]
        if len(set(self.choices)) != len(self.choices):
            found["choices"] = ["Choices must be different from each other."]
        if self.max_length is not None and self.type != "text":
            found["max_length"] = ["Only a text field has a maximum length."]
        if (self.min is not None or self.max is not None) and self.type != "number":
            found["min"] = ["Only a number field has a minimum or maximum."]
        if self.min is not None and self.max is not None and self.min > self.max:
            found["max"] = ["Must not be less than min."]
        return found

    def clean(self, value: Any) -> Any:
        """The value in canonical form; raises ValueError with the message for the customer."""
        return getattr(self, f"_clean_{self.type}")(value)

    def _clean_text(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("Must be text.")
        value = value.strip()
        limit = self.max_length or DEFAULT_MAX_LENGTH
        if len(value) > limit:
            raise ValueError(f"At most {limit} characters.")
        return value

    def _clean_number(self, value: Any) -> int | float:
        # A web form sends "2.5", a program 2.5: both are fine; a boolean is not a number.
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError("Must be a number.")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("Must be a number.") from None
        if not number.is_finite():
            raise ValueError("Must be a number.")
        if self.min is not None and number < self.min:
            raise ValueError(f"Must be at least {self.min}.")
        if self.max is not None and number > self.max:
            raise ValueError(f"Must be at most {self.max}.")
        return int(number) if number == number.to_integral_value() else float(number)

    def _clean_date(self, value: Any) -> str:
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:  # 2026-02-30
                pass
        raise ValueError("Must be a date as YYYY-MM-DD.")

    def _clean_choice(self, value: Any) -> str:
        if value not in self.choices:
            raise ValueError(f"Must be one of: {', '.join(self.choices)}.")
        return value

    def as_definition(self) -> dict[str, Any]:
        """The JSON-safe definition, as stored and sent (attributes that do not apply left out)."""
        definition: dict[str, Any] = {"name": self.name, "label": self.label, "type": self.type,
                                      "required": self.required}
        if self.choices:
            definition["choices"] = list(self.choices)
        if self.max_length is not None:
            definition["max_length"] = self.max_length
        for bound in ("min", "max"):
            if getattr(self, bound) is not None:
                definition[bound] = _plain_number(getattr(self, bound))
        return definition


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class OrderForm:
    fields: tuple[FormField, ...] = field(default_factory=tuple)

    @classmethod
    def from_definition(cls, definition: list[dict[str, Any]]) -> "OrderForm":
        """Build a form from its definition; raises InvalidOrderForm keyed by field position."""
        fields, problems, seen = [], {}, set()
        if len(definition) > MAX_FIELDS:
            raise InvalidOrderForm(f"A form has at most {MAX_FIELDS} fields.", fields={"form": [f"At most {MAX_FIELDS} fields."]})
        for position, item in enumerate(definition):
            form_field = FormField(
                name=item["name"], label=item["label"], type=item["type"], required=bool(item.get("required", False)),
                choices=tuple(item.get("choices") or ()), max_length=item.get("max_length"),
                min=_decimal_or_none(item.get("min")), max=_decimal_or_none(item.get("max")),
            )
            found = form_field.problems()
            if form_field.name in seen:
                found.setdefault("name", []).append("Another field already has this name.")
            seen.add(form_field.name)
            if found:
                problems[str(position)] = found
            fields.append(form_field)
        if problems:
            raise InvalidOrderForm("The order form definition is not valid.", fields={"form": problems})
        return cls(tuple(fields))

    def clean(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check a filled-in form; returns the canonical values or raises FormNotFilledIn."""
        problems: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        known = {f.name for f in self.fields}
        for name in values:
            if name not in known:
                problems[name] = ["This form has no such field."]
        for form_field in self.fields:
            value = values.get(form_field.name)
            if _is_blank(value):
                if form_field.required:
                    problems[form_field.name] = ["Required."]
                continue
            try:
                cleaned[form_field.name] = form_field.clean(value)
            except ValueError as exc:
                problems[form_field.name] = [str(exc)]
        if problems:
            raise FormNotFilledIn("Some fields of the order form are missing or wrong.", fields=problems)
        return cleaned

    def as_definition(self) -> list[dict[str, Any]]:
        return [f.as_definition() for f in self.fields]


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
