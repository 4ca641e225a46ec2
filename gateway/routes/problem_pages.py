"""``GET /problems/<slug>``: what each problem ``type`` means and what to do, in the caller's language.

A problem document's ``type`` is ``https://sportello.dev/problems/<slug>`` in every language and
every deployment; the gateway serves the page for it under the same path. The text comes from
the problem catalogs (gateway/problem_texts/): the slug's title, then what its HTTP status means
and what to do about it. An unknown slug is a 404 problem.
"""
from __future__ import annotations

from html import escape

from gateway import problem_languages as languages
from gateway.http import html_response, route
from gateway.problems import PROBLEM_BASE
from services.chassis.errors import NotFound


def problem_page(slug: str, language: str) -> str:
    status = languages.problem_types()[slug]
    texts = languages.catalog(language)
    page, explained = texts["page"], texts["statuses"][str(status)]
    title = escape(texts["titles"][slug])
    return f"""<!doctype html>
<html lang="{language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Sportello</title><link rel="stylesheet" href="/portal/styles.css"></head>
<body><main class="problem-page">
<p>{escape(page["heading"])}: <code>{escape(slug)}</code> · {escape(page["status"])} {status}</p>
<h1>{title}</h1>
<h2>{escape(page["means"])}</h2><p>{escape(explained["means"])}</p>
<h2>{escape(page["todo"])}</h2><p>{escape(explained["todo"])}</p>
<p>{escape(page["request_id"])}</p>
<p>{escape(page["type"])}: <code>{escape(PROBLEM_BASE + slug)}</code></p>
</main></body></html>
"""


class ProblemPageRoutes:
    @route("GET", "/problems/<slug>", produces=("text/html",), problem_statuses=(404,), tags=("operations",),
           summary="What a problem type means and what to do, in the Accept-Language (it, de, pl, uk, en)")
    def get_problem_type(self, request, slug):
        if slug not in languages.problem_types():
            raise NotFound(f"No problem type called {slug}.")
        language = languages.language_of(request)
        return html_response(problem_page(slug, language), **{"Content-Language": language,
                                                               "Vary": "Accept-Language"})
