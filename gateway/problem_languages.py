"""Problem documents in the caller's language (it, de, pl, uk, en; English when none fits).

The language is the signed-in customer's profile language when the request was authenticated
(:mod:`gateway.auth` leaves it in the WSGI environ), else the best of ``Accept-Language``
(q-values honoured), else English. Every problem+json answer passes through :func:`localize`
on its way out (``gateway.http.ApiWsgiApp``), whoever made it: a service's domain error, a
marshmallow ValidationError or the gateway's own HTTP problems.

What is translated comes from the catalogs in ``gateway/problem_texts/<lang>.json``: the
``title`` by the problem's slug, ``detail`` and every field message in ``errors`` by their
English text. marshmallow and the services format values into their messages ("Longer than
maximum length 100."), so a catalog key may be a template (``Longer than maximum length {max}.``):
a message that matches it is translated with the values it carried. Text that has no entry
stays English (tests/gateway/test_problem_languages.py keeps titles and the known field
messages complete). The ``type`` URI never changes with the language.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from werkzeug.wrappers import Request, Response

from gateway.problems import PROBLEM_BASE, PROBLEM_JSON

TEXTS_DIR = Path(__file__).resolve().parent / "problem_texts"
# English first: a wildcard (Accept-Language: *) or a tie answers English.
LANGUAGES = ("en", "it", "de", "pl", "uk")
DEFAULT_LANGUAGE = "en"
# Where gateway.auth leaves the signed-in customer's language for this request.
CALLER_LANGUAGE_KEY = "sportello.caller_language"

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:![rsa])?\}")


@functools.lru_cache(maxsize=None)
def catalog(language: str) -> dict:
    return json.loads((TEXTS_DIR / f"{language}.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def problem_types() -> dict[str, int]:
    """Every problem slug the API answers, with its HTTP status (types.json)."""
    return json.loads((TEXTS_DIR / "types.json").read_text(encoding="utf-8"))


def language_of(request: Request) -> str:
    caller = request.environ.get(CALLER_LANGUAGE_KEY)
    if caller in LANGUAGES:
        return caller
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


class _Templates:
    """One language's messages: exact English texts, then templates with {placeholders}."""

    def __init__(self, messages: dict[str, str]):
        self.exact = {k: v for k, v in messages.items() if not _PLACEHOLDER.search(k)}
        patterns = []
        for english, translated in messages.items():
            if not _PLACEHOLDER.search(english):
                continue
            literal = _PLACEHOLDER.sub("", english)
            regex, last, names = "", 0, set()
            for match in _PLACEHOLDER.finditer(english):
                regex += re.escape(english[last:match.start()])
                name = match.group(1)
                regex += f"(?P={name})" if name in names else f"(?P<{name}>.+?)"
                names.add(name)
                last = match.end()
            regex += re.escape(english[last:])
            patterns.append((len(literal), re.compile(f"^{regex}$", re.S), translated))
        # The most specific template first: "Not a valid {kind} number." before "Not a valid {obj_type}."
        self.patterns = [(p, t) for _, p, t in sorted(patterns, key=lambda item: -item[0])]

    def translate(self, text: str) -> str:
        if text in self.exact:
            return self.exact[text]
        for pattern, translated in self.patterns:
            match = pattern.match(text)
            if match:
                values = match.groupdict()
                return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), translated)
        return text


@functools.lru_cache(maxsize=None)
def _templates(language: str) -> _Templates:
    return _Templates(catalog(language)["messages"])


def message(text: str, language: str) -> str:
    """One English message (a detail or a field message) in ``language``; unchanged when unknown."""
    if language == DEFAULT_LANGUAGE or not isinstance(text, str):
        return text
    return _templates(language).translate(text)


def field_messages(errors, language: str):
    """``errors`` as marshmallow nests them ({"lines": {"0": {"qty": [...]}}}), each message translated."""
    if isinstance(errors, dict):
        return {key: field_messages(value, language) for key, value in errors.items()}
    if isinstance(errors, list):
        return [field_messages(item, language) for item in errors]
    return message(errors, language)


def title(slug: str, english: str, language: str) -> str:
    if language == DEFAULT_LANGUAGE:
        return english  # the service's own title: it may say more than the slug's general one
    return catalog(language)["titles"].get(slug, english)


def localized_body(body: dict, language: str) -> dict:
    body = dict(body)
    slug = str(body.get("type", "")).removeprefix(PROBLEM_BASE)
    if isinstance(body.get("title"), str):
        body["title"] = title(slug, body["title"], language)
    if isinstance(body.get("detail"), str):
        body["detail"] = message(body["detail"], language)
    if "errors" in body:
        body["errors"] = field_messages(body["errors"], language)
    return body


def localize(response: Response, request: Request) -> Response:
    """A problem+json response in the request's language, saying which (Content-Language)."""
    if response.mimetype != PROBLEM_JSON or response.is_streamed:
        return response
    language = language_of(request)
    response.headers["Content-Language"] = language
    response.vary.add("Accept-Language")
    if language == DEFAULT_LANGUAGE:
        return response
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return response
    if isinstance(body, dict):
        response.set_data(json.dumps(localized_body(body, language), ensure_ascii=False))
    return response
