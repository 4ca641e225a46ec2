"""Subject and body of every notification, per template and language.

Plain Python: fixed texts (``domain/texts/``) filled with ``str.format``. The
values are inserted, never interpreted, so a name like ``{first_name}`` stays
a name. Links always come from the event or from messaging's own settings,
never from what a customer typed.

English and Italian are written out. The other customer languages (de, pl,
uk) and anything unknown fall back to English until their texts are added.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from services.messaging.domain.texts.accounts import ACCOUNT_TEXTS
from services.messaging.domain.texts.desk import DESK_LABELS, DESK_TEXTS
from services.messaging.domain.texts.orders import LINE_TEXTS as ORDER_LINE_TEXTS
from services.messaging.domain.texts.orders import ORDER_LABELS, ORDER_TEXTS
from services.messaging.domain.texts.returns import RETURN_LABELS, RETURN_LINE_TEXTS, RETURN_TEXTS

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str  # the language the text is really in (after any fallback)


@dataclass(frozen=True)
class Amount:
    """Money to show: written the way the language writes numbers (12.50 EUR, 12,50 EUR)."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Lines:
    """Several lines (an order's items), each filled from its own one-line text and values."""

    text: str  # a key of LINE_TEXTS
    items: tuple[dict, ...]


@dataclass(frozen=True)
class Label:
    """A code (``bank_transfer``, ``order``) shown by its words in the mail's language."""

    kind: str  # a key of LABELS
    code: str
    ref: str = ""  # filled in where the words say {ref}


_SIGNATURE = {
    "en": "Sportello customer service",
    "it": "Il servizio clienti di Sportello",
}

# Times are shown in UTC and say so: the events carry UTC, and a customer's
# time zone is not known to messaging.
_WHEN = {
    "en": "%Y-%m-%d %H:%M UTC",
    "it": "%d/%m/%Y alle %H:%M (UTC)",
}
_DAY = {"en": "%Y-%m-%d", "it": "%d/%m/%Y"}
_SEPARATORS = {"en": (",", "."), "it": (".", ",")}  # thousands, decimals

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {**ACCOUNT_TEXTS, **ORDER_TEXTS, **DESK_TEXTS, **RETURN_TEXTS}
LABELS: dict[str, dict[str, dict[str, str]]] = {**ORDER_LABELS, **DESK_LABELS, **RETURN_LABELS}
LINE_TEXTS: dict[str, dict[str, str]] = {**ORDER_LINE_TEXTS, **RETURN_LINE_TEXTS}


def language_of(requested: str | None) -> str:
    """The language a text will be written in: the requested one if we have it, else English."""
    code = (requested or "").strip().lower()
    return code if code in _SIGNATURE else DEFAULT_LANGUAGE


def render(template: str, requested_language: str | None, **values) -> Rendered:
    """Fill one template; raises ``KeyError`` for an unknown template (a programming error)."""
    texts = TEMPLATES[template]
    language = language_of(requested_language)
    subject, body = texts.get(language) or texts[DEFAULT_LANGUAGE]
    filled = {name: _value(value, language) for name, value in values.items()}
    filled["signature"] = _SIGNATURE[language]
    return Rendered(subject.format_map(filled), body.format_map(filled), language)


def _value(value, language: str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime(_WHEN[language])
    if isinstance(value, date):
        return value.strftime(_DAY[language])
    if isinstance(value, Amount):
        return f"{_number(value.amount, language)} {value.currency}"
    if isinstance(value, Label):
        names = LABELS[value.kind]
        words = (names.get(language) or names[DEFAULT_LANGUAGE]).get(value.code)
        return _one_line(value.code) if words is None else words.replace("{ref}", _one_line(value.ref))
    if isinstance(value, Lines):
        texts = LINE_TEXTS[value.text]
        line = texts.get(language) or texts[DEFAULT_LANGUAGE]
        return "\n".join(line.format_map({k: _value(v, language) for k, v in item.items()}) for item in value.items)
    return _one_line(value)


def _one_line(value) -> str:
    # Every value is one line: a line break in a name or a company name would
    # otherwise end up in a mail header (the subject) or break the layout.
    return " ".join(str(value).split())


def _number(amount: Decimal, language: str) -> str:
    thousands, decimals = _SEPARATORS[language]
    text = f"{Decimal(amount):,.2f}"  # 1,234.50
    return text.replace(",", "\0").replace(".", decimals).replace("\0", thousands)
