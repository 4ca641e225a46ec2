"""One list envelope for the whole API: ``{items, page, per_page, total, pages}``, paged by number.

Every collection the gateway serves answers a :func:`PageOf` schema and reads :class:`PageQuery`'s
``page`` and ``per_page``. Page numbers rather than cursors: a customer's lists (carts, quotes,
orders, returns, threads) are small, staff lists are filtered before they are paged, and the
catalog search pages by relevance, which has no stable cursor. What makes deep pages cheap is
:func:`read_page`: the rows are counted first and a page past the end answers no rows without
asking for them, and ``page`` is bounded (:data:`MAX_PAGE`), so no request makes the database
step over millions of rows.
"""
from __future__ import annotations

from typing import Callable, Sequence

from marshmallow import Schema, fields, validate

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000  # a million rows at 100 a page: any list longer than that is filtered, not paged


class PageQuery(Schema):
    """``page`` and ``per_page`` of a list request; list filters subclass it."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE), metadata={
        "description": f"From 1 to {MAX_PAGE}; a page past the last one is empty (with the true total)."})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"From 1 to {MAX_PER_PAGE}."})


_ENVELOPES: dict[str, type[Schema]] = {}


def PageOf(item: type[Schema], name: str | None = None) -> type[Schema]:  # noqa: N802 -- a schema factory
    """The envelope schema of a page of ``item`` objects, named ``name`` (default ``<Item>Page``).

    One class per name, so that the OpenAPI document holds each envelope once; asking again for a
    name with another item schema is a mistake the build refuses.
    """
    name = name or f"{item.__name__}Page"
    known = _ENVELOPES.get(name)
    if known is not None:
        if known.item_schema is not item:
            raise ValueError(f"{name} already pages {known.item_schema.__name__}, not {item.__name__}")
        return known
    envelope = type(name, (Schema,), {
        "__doc__": f"A page of {item.__name__} objects.",
        "item_schema": item,
        "items": fields.List(fields.Nested(item), required=True),
        "page": fields.Integer(required=True, metadata={"description": "The page asked for (from 1)."}),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True, metadata={"description": "Matching objects on all pages."}),
        "pages": fields.Integer(required=True, metadata={"description": "Pages in all (0 for an empty list)."}),
    })
    _ENVELOPES[name] = envelope
    return envelope


def page_count(total: int, per_page: int) -> int:
    return -(-total // per_page)


def envelope(items: Sequence, total: int, page: int, per_page: int) -> dict:
    return {"items": list(items), "page": page, "per_page": per_page, "total": total,
            "pages": page_count(total, per_page)}


def page_envelope(items: Sequence, total: int, query: dict) -> dict:
    """The envelope of ``items``, one page of ``total``, as a :class:`PageQuery` asked for it."""
    return envelope(items, total, query["page"], query["per_page"])


def read_page(count: Callable[[], int], rows: Callable[[int, int], Sequence], query: dict) -> dict:
    """The envelope of one page: ``count()`` first, then ``rows(offset, limit)`` only when the page
    holds any (a page past the end costs one count, not a scan to an offset beyond the rows)."""
    total = count()
    offset = (query["page"] - 1) * query["per_page"]
    return page_envelope(rows(offset, query["per_page"]) if offset < total else [], total, query)


def page_of_list(items: Sequence, query: dict) -> dict:
    """The envelope of one page of a list already in memory (short, fixed lists: the taxonomies)."""
    offset = (query["page"] - 1) * query["per_page"]
    return page_envelope(items[offset:offset + query["per_page"]], len(items), query)
