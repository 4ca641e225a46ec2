"""Subject and body of every notification, per template and language, and the HTML part of a mail.

The texts are Jinja2 templates shipped with the package
(``services/messaging/templates/<template>.<language>.txt``: the subject on
the first line, a blank line, the body), in English, Italian, German, Polish
and Ukrainian; any other language falls back to English. Values are
formatted for the language here (dates, amounts, labels, item lines) and
inserted as text, never interpreted: Jinja2 does not re-render a value, so a
name like ``{{ first_name }}`` stays a name. A missing value is an error
(``StrictUndefined``). Links always come from the event or from messaging's
own settings, never from what a customer typed.

The HTML part (:func:`render_html`) is built from the rendered text body at
send time, through ``layout.html`` with autoescaping: the stored text is the
one source, so erasing or trimming it (``domain/model.py``) changes both parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound, select_autoescape

from services.messaging.domain.texts.desk import DESK_LABELS
from services.messaging.domain.texts.orders import LINE_TEXTS as ORDER_LINE_TEXTS
from services.messaging.domain.texts.orders import ORDER_LABELS
from services.messaging.domain.texts.returns import RETURN_LABELS, RETURN_LINE_TEXTS

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
    "de": "Der Kundenservice von Sportello",
    "pl": "Obsługa klienta Sportello",
    "uk": "Служба підтримки клієнтів Sportello",
}
LANGUAGES = tuple(_SIGNATURE)

# Times are shown in UTC and say so: the events carry UTC, and a customer's
# time zone is not known to messaging.
_WHEN = {
    "en": "%Y-%m-%d %H:%M UTC",
    "it": "%d/%m/%Y alle %H:%M (UTC)",
    "de": "%d.%m.%Y um %H:%M Uhr (UTC)",
    "pl": "%d.%m.%Y o %H:%M (UTC)",
    "uk": "%d.%m.%Y о %H:%M (UTC)",
}
_DAY = {"en": "%Y-%m-%d", "it": "%d/%m/%Y", "de": "%d.%m.%Y", "pl": "%d.%m.%Y", "uk": "%d.%m.%Y"}
# thousands, decimals
_SEPARATORS = {"en": (",", "."), "it": (".", ","), "de": (".", ","), "pl": (" ", ","), "uk": (" ", ",")}

LABELS: dict[str, dict[str, dict[str, str]]] = {**ORDER_LABELS, **DESK_LABELS, **RETURN_LABELS}
LINE_TEXTS: dict[str, dict[str, str]] = {**ORDER_LINE_TEXTS, **RETURN_LINE_TEXTS}

_environment = Environment(
    loader=PackageLoader("services.messaging", "templates"),
    undefined=StrictUndefined,
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
    keep_trailing_newline=True,
)


def _template_names() -> dict[str, dict[str, str]]:
    """Every ``<template>.<language>.txt`` there is, by template and language."""
    found: dict[str, dict[str, str]] = {}
    for name in _environment.list_templates(extensions=["txt"]):
        template, language, _ = name.rsplit(".", 2)
        found.setdefault(template, {})[language] = name
    return found


TEMPLATES: dict[str, dict[str, str]] = _template_names()


def language_of(requested: str | None) -> str:
    """The language a text will be written in: the requested one if we have it, else English."""
    code = (requested or "").strip().lower()
    return code if code in _SIGNATURE else DEFAULT_LANGUAGE


def render(template: str, requested_language: str | None, **values) -> Rendered:
    """Fill one template; raises ``KeyError`` for an unknown template (a programming error)."""
    names = TEMPLATES[template]
    language = language_of(requested_language)
    if language not in names:
        language = DEFAULT_LANGUAGE
    filled = {name: _value(value, language) for name, value in values.items()}
    filled["signature"] = _SIGNATURE[language]
    text = _environment.get_template(names[language]).render(filled)
    subject, _, body = text.partition("\n\n")
    return Rendered(subject.strip(), body, language)


_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class _Part:
    text: str
    href: str = ""


def render_html(subject: str, body: str, language: str | None) -> str:
    """The HTML part of a mail: its text body in ``layout.html``, escaped, with its links clickable.

    Paragraphs are the body's blank-line separated blocks (line breaks and
    the indentation of item lines are kept); every ``http(s)://`` address
    becomes an ``<a href>``. Nothing in the body is taken as markup.
    """
    paragraphs = [[part for line in _lines(block) for part in line] for block in re.split(r"\n\s*\n", body.strip("\n"))
                  if block.strip()]
    return _layout().render(subject=subject, language=language_of(language), paragraphs=paragraphs)


@lru_cache(maxsize=1)
def _layout():
    return _environment.get_template("layout.html")


def _lines(block: str):
    lines = block.split("\n")
    for index, line in enumerate(lines):
        yield _linked(line + ("\n" if index < len(lines) - 1 else ""))


def _linked(text: str) -> list[_Part]:
    parts, position = [], 0
    for match in _LINK.finditer(text):
        url = match.group().rstrip(".,;:!?)")
        if match.start() > position:
            parts.append(_Part(text[position:match.start()]))
        parts.append(_Part(url, url))
        position = match.start() + len(url)
    if position < len(text):
        parts.append(_Part(text[position:]))
    return parts


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
