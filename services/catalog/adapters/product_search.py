"""The product search query, the same on both engines except for the full-text part.

Candidates come from three sources, each served by an index: the exact
article code, article codes that start with the query (a range scan on the
unique code key), and the engine's full-text index (search_sqlite.py or
search_postgresql.py), which holds active products only. They are ranked by
that order, then by text relevance. Never ``LIKE '%q%'``: that would read the
whole table on every search.

Cost matters more than elegance here: a search holds a connection (and, on
SQLite, a core) for as long as its statements run. The common case, words and
no filter, sorted by relevance, is one statement built once per engine: the top
``offset + per_page`` hits by rank (a bounded sort, never all hits copied and
windowed) joined to their products, with the total as a scalar count that
reads the index only. Other searches use one statement for a page of ids and
the total (``count(*) OVER ()``), the code sources only when some code starts
with the query, and the products table only for the page's rows (or for a sort
by price or name). On SQLite the service runs searches on read-only
connections off the eventlet hub (read_pool.py).
"""
from __future__ import annotations

import functools

from sqlalchemy import Float, Integer, Select, bindparam, exists, func, literal, select, true, union_all

from services.catalog.adapters import search_postgresql, search_sqlite
from services.catalog.adapters.read_pool import ON_HUB
from services.catalog.adapters.orm import (categories, product_categories, product_showcases, producers, products,
                                           showcases)
from services.catalog.domain.model import Price
from services.catalog.domain.search import SearchRequest

EXACT_CODE, CODE_PREFIX, TEXT = 0, 1, 2
TEXT_SEARCH = {"sqlite": search_sqlite, "postgresql": search_postgresql}
# Codes are ASCII (CODE_PATTERN), so every code that starts with a key sorts below key + DEL.
AFTER_LAST_ASCII = "\x7f"

HIT_COLUMNS = (
    products.c.id, products.c.code, products.c.name, products.c.price_amount, products.c.currency,
    products.c.vat_rate, products.c.stock_status, products.c.thumbnail_url,
    producers.c.slug.label("producer_slug"), producers.c.name.label("producer_name"),
)


class ProductSearch:
    def __init__(self, session):
        self.session = session
        self.engine = TEXT_SEARCH[session.get_bind().dialect.name]

    def run(self, request: SearchRequest) -> tuple[list[dict], int]:
        """One page of hits (salient data, price, thumbnail) and the total number of hits."""
        if request.browsing:
            return self._browse(request)
        code = request.code
        code_sources = bool(code) and self._some_code_starts_with(code)
        filtered = bool(request.producer or request.category or request.showcase)
        if request.words and not code_sources and not filtered and request.sort == "relevance":
            return self._text_only(request)
        ranked = self._candidates(request, code_sources)
        if ranked is None:
            return [], 0  # nothing searchable in q (only punctuation, say)
        source, order = ranked, [ranked.c.tier, ranked.c.score, ranked.c.product_id]
        if request.sort != "relevance":
            source = ranked.join(products, products.c.id == ranked.c.product_id)
            order = _product_order(request.sort)
        filters = _filters(ranked.c.product_id, request)
        page = (select(ranked.c.product_id, func.count().over().label("total")).select_from(source)
                .where(*filters).order_by(*order).limit(request.per_page).offset(request.offset))
        rows = self.session.execute(page).all()
        if rows:
            return self._hits([row.product_id for row in rows]), rows[0].total
        if request.page == 1:
            return [], 0
        # Past the last page: the window had no row to carry the total.
        return [], self.session.execute(select(func.count()).select_from(ranked).where(*filters)).scalar_one()

    def _text_only(self, request: SearchRequest) -> tuple[list[dict], int]:
        """The common case, words and nothing else: the page's products and the total in one statement.

        Ranking every hit cannot be avoided (bm25 needs each row's term
        frequencies), but keeping only the best ``offset + per_page`` of them
        is a bounded sort, with no copy of every hit into a temporary table
        and no window over them; the total is a count that reads the index
        alone (a scalar subquery, evaluated once). The order is the general
        path's (tier, score, id), the tier being the same for every hit.
        """
        values = {"query": self.engine.query_text(request.words, request.prefix_last_word),
                  "limit": request.per_page, "offset": request.offset}
        rows = self.session.execute(_text_page(self.engine), values).all()
        if rows:
            return [_hit(row._mapping) for row in rows], rows[0].total
        return [], self.session.execute(_text_count(self.engine), values).scalar_one()

    def _browse(self, request: SearchRequest) -> tuple[list[dict], int]:
        conditions = [products.c.active == true(), *_filters(products.c.id, request)]
        count_active = getattr(self.engine, "count_active", None)
        if count_active is not None and len(conditions) == 1:
            total = self.session.execute(count_active()).scalar_one()
        else:
            total = self.session.execute(select(func.count()).select_from(products).where(*conditions)).scalar_one()
        if request.offset >= total:
            return [], total
        page = (select(products.c.id).where(*conditions).order_by(*_product_order(request.sort))
                .limit(request.per_page).offset(request.offset))
        return self._hits(list(self.session.scalars(page))), total

    def _candidates(self, request: SearchRequest, code_sources: bool):
        """(product_id, tier, score) of every active candidate, once each."""
        sources: list[Select] = []
        words, prefix = request.words, request.prefix_last_word
        if words:
            unranked_hits = getattr(self.engine, "unranked_hits", None)
            if (code_sources and unranked_hits is not None
                    and self.session.execute(self.engine.count_hits(words, prefix)).scalar_one() <= 1):
                # The words of an article code (s1, it, ...) are in most products, and
                # bm25 reads all their doclists to weigh them, even to rank one hit.
                # A lone text hit needs no rank: any score below the code sources' 0.
                hits = unranked_hits(words, prefix).cte("text_hits")
            else:
                # MATERIALIZED: SQLite refuses bm25() in a subquery that it flattens into an outer query.
                hits = self.engine.text_hits(words, prefix).cte("text_hits").prefix_with("MATERIALIZED")
            sources.append(select(hits.c.product_id, literal(TEXT, Integer).label("tier"), hits.c.score))
        code = request.code
        if code_sources:
            sources.append(_code_hits(products.c.code_key == code, EXACT_CODE))
            sources.append(_code_hits((products.c.code_key > code) & (products.c.code_key < code + AFTER_LAST_ASCII),
                                      CODE_PREFIX))
        if not sources:
            return None
        if len(sources) == 1:
            return sources[0].subquery("ranked")
        candidates = union_all(*sources).subquery()
        return (select(candidates.c.product_id, func.min(candidates.c.tier).label("tier"),
                       func.min(candidates.c.score).label("score"))
                .group_by(candidates.c.product_id).subquery("ranked"))

    def _some_code_starts_with(self, code: str) -> bool:
        """One index probe, so that a word that is no code costs no union."""
        return self.session.execute(_CODE_PROBE, {"low": code, "high": code + AFTER_LAST_ASCII}).scalar_one()

    def _hits(self, ids: list[int]) -> list[dict]:
        query = (select(*HIT_COLUMNS).select_from(products.outerjoin(producers, producers.c.id == products.c.producer_id))
                 .where(products.c.id.in_(ids)))
        by_id = {row.id: _hit(row._mapping) for row in self.session.execute(query)}
        return [by_id[product_id] for product_id in ids]


# One probe of the unique code index (microseconds): not worth a trip off the hub (read_pool.ON_HUB).
_CODE_PROBE = (select(exists().where(products.c.code_key >= bindparam("low"), products.c.code_key < bindparam("high")))
               .execution_options(**{ON_HUB: True}))


@functools.cache
def _text_page(engine) -> Select:
    """The text-only page as one statement, built once per engine: only its values change."""
    hits = engine.ranked_hits(bindparam("query"))
    columns = hits.selected_columns
    top = (hits.order_by(columns.score, columns.product_id)
           .limit(bindparam("limit")).offset(bindparam("offset")).subquery("top"))
    total = engine.counted_hits(bindparam("query")).scalar_subquery()
    return (select(*HIT_COLUMNS, total.label("total"))
            .select_from(top.join(products, products.c.id == top.c.product_id)
                         .outerjoin(producers, producers.c.id == products.c.producer_id))
            .order_by(top.c.score, top.c.product_id))


@functools.cache
def _text_count(engine) -> Select:
    return engine.counted_hits(bindparam("query"))


def _filters(product_id, request: SearchRequest) -> list:
    """Conditions on a product id column, so that filtering needs no join with products."""
    found = []
    if request.producer:
        found.append(product_id.in_(select(products.c.id).join(producers, producers.c.id == products.c.producer_id)
                                    .where(producers.c.slug == request.producer)))
    for slug, link, taxa, key in ((request.category, product_categories, categories, "category_id"),
                                  (request.showcase, product_showcases, showcases, "showcase_id")):
        if slug:
            found.append(product_id.in_(select(link.c.product_id).join(taxa, taxa.c.id == link.c[key])
                                        .where(taxa.c.slug == slug)))
    return found


def _product_order(sort: str) -> list:
    # Every ordering ends with the id, so that pages never overlap or skip.
    if sort == "price_asc":
        return [products.c.price_amount, products.c.id]
    if sort == "price_desc":
        return [products.c.price_amount.desc(), products.c.id]
    return [products.c.name, products.c.id]


def _code_hits(condition, tier: int) -> Select:
    return select(products.c.id.label("product_id"), literal(tier, Integer).label("tier"),
                  literal(0.0, Float).label("score")).where(condition, products.c.active == true())


def _hit(row) -> dict:
    producer = {"slug": row["producer_slug"], "name": row["producer_name"]} if row["producer_slug"] else None
    return {
        "code": row["code"], "name": row["name"], "producer": producer,
        "price": Price(row["price_amount"], row["currency"].strip()), "vat_rate": row["vat_rate"],
        "stock_status": row["stock_status"], "thumbnail_url": row["thumbnail_url"],
    }
