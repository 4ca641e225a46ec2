"""The problem catalogs are complete: no problem type or known field message ships English-only.

The slugs are collected from the code (every DomainError subclass, the gateway's HTTP table and
its own HttpProblem/problem_response calls, ``problem="..."`` arguments); the field messages from
marshmallow (its fields' and validators' default messages) and from the project's own code
(``error="..."``, ``ValidationError("...")``, ``fields={...: ["..."]}``). A new error or message
without its it/de/pl/uk text fails here.
"""
import importlib
import inspect
import re
from pathlib import Path

import pytest
from marshmallow import fields, validate
from werkzeug.exceptions import ImATeapot
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import problem_languages as languages
from gateway import problems
from services.chassis import errors

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("services/**/*.py"), *ROOT.glob("gateway/**/*.py")])
TRANSLATED = [lang for lang in languages.LANGUAGES if lang != "en"]
ERROR_MODULES = ["services.chassis.idempotency"] + [
    f"services.{name}.domain.errors" for name in ("accounts", "catalog", "orders", "returns", "messaging")]
_STRING = r'(f?)"((?:[^"\\]|\\.)*)"'
MESSAGE_SITES = [
    re.compile(r"validate\.\w+\([^\n]*\berror=" + _STRING),
    re.compile(r"ValidationError\(\s*" + _STRING),
    re.compile(r"\b(?:fields|errors)=\{\s*[^:{}]+:\s*\[\s*" + _STRING),
    re.compile(r"return \[" + _STRING + r"\]"),
]
_ANY_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def slugs_in_code() -> set[str]:
    for module in ERROR_MODULES:
        importlib.import_module(module)
    found = {cls.problem for cls in _subclasses(errors.DomainError)}
    found |= {slug for slug, _ in problems.HTTP_PROBLEMS.values()}
    found.add(problems.from_http_exception(ImATeapot()).json["type"].removeprefix(problems.PROBLEM_BASE))
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'(?:HttpProblem|problem_response)\(\s*\d{3},\s*"([a-z-]+)"', text))
        found |= set(re.findall(r'\bproblem="([a-z-]+)"', text))
        # class attributes too, wherever the error class lives (not only in domain/errors.py)
        found |= set(re.findall(r'^\s+problem = "([a-z-]+)"', text, re.M))
    return found


def shape(template: str) -> str:
    """A message with every placeholder (``{max}``, ``{line.position}``, ``{input!r}``) as ``{}``."""
    return _ANY_PLACEHOLDER.sub("{}", template.replace("{{", "{").replace("}}", "}"))


def marshmallow_messages() -> set[str]:
    found = set()
    for _, cls in inspect.getmembers(fields, inspect.isclass):
        if issubclass(cls, fields.Field):
            for klass in cls.__mro__:
                found |= set(getattr(klass, "default_error_messages", {}).values())
    for _, cls in inspect.getmembers(validate, inspect.isclass):
        found |= {value for name, value in vars(cls).items() if "message" in name and isinstance(value, str)
                  and not name.endswith("_op")}
    found |= {"Unknown field.", "Invalid input type."}  # the Schema's own
    # Range formats its operators in first ("Must be {min_op} {{min}}."): the messages as they come out.
    ranges = {m for m in found if "_op}" in m}
    found -= ranges | {"greater than", "greater than or equal to", "less than", "less than or equal to"}
    for message in ranges:
        for min_op in ("greater than", "greater than or equal to"):
            for max_op in ("less than", "less than or equal to"):
                found.add(message.format(min_op=min_op, max_op=max_op))
    return found


def project_messages() -> set[str]:
    found = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for site in MESSAGE_SITES:
            for _, literal in site.findall(text):
                found.add(literal.replace('\\"', '"'))
    return found


def catalog_shapes(language: str) -> set[str]:
    return {shape(key) for key in languages.catalog(language)["messages"]}


def test_every_problem_slug_of_the_code_has_a_type_page_and_a_title_in_each_language():
    types = languages.problem_types()
    assert slugs_in_code() - set(types) == set(), "add them to gateway/problem_texts/types.json and each language"
    assert set(types) - slugs_in_code() == set(), "types.json lists slugs the code no longer answers"
    for language in languages.LANGUAGES:
        titles = languages.catalog(language)["titles"]
        assert {slug for slug in types if not titles.get(slug, "").strip()} == set(), language


def test_every_status_of_a_problem_type_is_explained_in_each_language():
    statuses = {str(status) for status in languages.problem_types().values()}
    english = languages.catalog("en")
    for language in languages.LANGUAGES:
        texts = languages.catalog(language)
        assert set(texts["page"]) == set(english["page"]), language
        for status in statuses:
            assert texts["statuses"][status]["means"] and texts["statuses"][status]["todo"], (language, status)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marshmallow_message_has_a_translation(language):
    messages = marshmallow_messages()
    assert len(messages) > 40  # the collection itself works
    assert {m for m in messages if shape(m) not in catalog_shapes(language)} == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_field_message_of_the_project_has_a_translation(language):
    messages = project_messages()
    assert "Use E.164, e.g. +393401234567." in messages and "Cannot be used." in messages
    assert {m for m in messages if shape(m) not in catalog_shapes(language)} == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_exactly_the_placeholders_of_its_english_template(language):
    names = re.compile(r"\{([A-Za-z_]\w*)(?:![rsa])?\}")
    wrong = {english: translated for english, translated in languages.catalog(language)["messages"].items()
             if sorted(names.findall(english)) != sorted(names.findall(translated))}
    assert wrong == {}


def _request(accept_language: str | None = None) -> Request:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    return Request(EnvironBuilder(headers=headers).get_environ())


def test_a_message_with_values_is_translated_by_its_template_keeping_the_values():
    assert languages.message("Longer than maximum length 100.", "pl") == "Dłuższe niż maksymalna długość 100."
    assert (languages.message("Must be greater than or equal to 1 and less than or equal to 9999.", "de")
            == "Muss größer oder gleich 1 und kleiner oder gleich 9999 sein.")
    # the most specific template wins over "Not a valid {obj_type}."
    assert languages.message("Not a valid VAT number.", "it") == "Numero VAT non valido."
    assert languages.message("No product has the article code 'MOKA-99'.", "uk") == \
        "Жоден товар не має коду артикулу 'MOKA-99'."
    assert languages.message("Something nobody translated.", "de") == "Something nobody translated."


def test_nested_field_messages_are_translated_where_they_are():
    body = {"type": problems.PROBLEM_BASE + "validation-failed", "title": "The request has invalid fields.",
            "detail": "Some fields are invalid.",
            "errors": {"lines": {"0": {"quantity": ["Missing data for required field."]}}}}
    localized = languages.localized_body(body, "it")
    assert localized["type"] == body["type"]
    assert localized["title"] == "La richiesta contiene campi non validi."
    assert localized["detail"] == "Alcuni campi non sono validi."
    assert localized["errors"] == {"lines": {"0": {"quantity": ["Campo obbligatorio mancante."]}}}


def test_the_language_is_the_best_supported_one_of_accept_language_else_english():
    assert languages.language_of(_request("fr;q=1, pl;q=0.4, uk;q=0.9")) == "uk"
    assert languages.language_of(_request("de-CH")) == "de"
    assert languages.language_of(_request("fr, es")) == "en"
    assert languages.language_of(_request("*")) == "en"
    assert languages.language_of(_request()) == "en"
    signed_in = _request("it")
    signed_in.environ[languages.CALLER_LANGUAGE_KEY] = "pl"
    assert languages.language_of(signed_in) == "pl"
