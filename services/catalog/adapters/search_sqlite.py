"""Full-text hits on SQLite: the FTS5 table ``products_fts`` (made by the migration)."""
from __future__ import annotations

from sqlalchemy import Float, Select, column, func, literal, literal_column, select, table

# The products' text weighs more in the name (code + name) than in the technical description.
NAME_WEIGHT, DETAILS_WEIGHT = 10.0, 1.0

products_fts = table("products_fts", column("rowid"))


def fts5_match(words: list[str], prefix_last: bool) -> str:
    """An FTS5 query that finds rows holding every word, the last one as a prefix if asked.

    Each word is a quoted string, so nothing in it is FTS5 syntax (NEAR, AND, *,
    parentheses, column filters); the words hold only letters and digits, and
    doubling quotes keeps that true even if a caller ever passes something else.
    """
    if not words:
        raise ValueError("a full-text query needs at least one word")
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    if prefix_last:
        quoted[-1] += "*"
    return " ".join(quoted)


def text_hits(words: list[str], prefix_last: bool) -> Select:
    """(product_id, score) of matching products; a lower score is more relevant (bm25, always below 0)."""
    return ranked_hits(query_text(words, prefix_last))


def query_text(words: list[str], prefix_last: bool) -> str:
    """The value :func:`ranked_hits` and :func:`counted_hits` take: the query in the engine's syntax."""
    return fts5_match(words, prefix_last)


def ranked_hits(query) -> Select:
    """:func:`text_hits` for a :func:`query_text` given as a value or a bind parameter."""
    fts = literal_column("products_fts")
    return select(
        products_fts.c.rowid.label("product_id"),
        func.bm25(fts, NAME_WEIGHT, DETAILS_WEIGHT).label("score"),
    ).where(fts.op("MATCH")(query))


def counted_hits(query) -> Select:
    """:func:`count_hits` for a :func:`query_text` given as a value or a bind parameter."""
    return select(func.count()).select_from(products_fts).where(literal_column("products_fts").op("MATCH")(query))


def unranked_hits(words: list[str], prefix_last: bool) -> Select:
    """(product_id, score) like :func:`text_hits`, every score -1: for ordering at most one hit.

    bm25 weighs each word by how many rows hold it, which costs a pass over the
    word's whole doclist even for a single hit (~1 ms for a word in every row);
    a lone hit needs no weighing, only a score that is a text score (below 0).
    """
    return select(products_fts.c.rowid.label("product_id"), literal(-1.0, Float).label("score")).where(
        _match(words, prefix_last))


def count_hits(words: list[str], prefix_last: bool) -> Select:
    """How many products match: the index's doclists only, no ranking (a fraction of text_hits' cost)."""
    return counted_hits(query_text(words, prefix_last))


def _match(words: list[str], prefix_last: bool):
    return literal_column("products_fts").op("MATCH")(fts5_match(words, prefix_last))


def count_active() -> Select:
    """How many products are active: the rows of the index, which holds active products only.

    ``products_fts_docsize`` is FTS5's table of one row per indexed row (its
    token counts), kept by the triggers that keep the index: counting it reads
    a small table, where ``count(*) ... WHERE active`` reads an index of every
    active product (0.1 ms against 3 ms on 100,000 products).
    """
    return select(func.count()).select_from(table("products_fts_docsize"))
