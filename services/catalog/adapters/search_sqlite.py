"""Full-text hits on SQLite: the FTS5 table ``products_fts`` (made by the migration)."""
from __future__ import annotations

from sqlalchemy import Select, column, func, literal_column, select, table

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
    """(product_id, score) of matching products; a lower score is more relevant (bm25)."""
    fts = literal_column("products_fts")
    return select(
        products_fts.c.rowid.label("product_id"),
        func.bm25(fts, NAME_WEIGHT, DETAILS_WEIGHT).label("score"),
    ).where(fts.op("MATCH")(fts5_match(words, prefix_last)))
