"""Full-text hits on PostgreSQL: the generated ``products.search_vector`` column (made by the migration)."""
from __future__ import annotations

from sqlalchemy import Select, func, literal_column, select

from services.catalog.adapters.orm import products

# Not in the ORM metadata: the column exists only on PostgreSQL.
search_vector = literal_column("products.search_vector")
SIMPLE = literal_column("'simple'::regconfig")  # no stemming, no stop words: the same for every language


def tsquery_text(words: list[str], prefix_last: bool) -> str:
    """A ``to_tsquery`` text that finds rows holding every word, the last one as a prefix if asked.

    Each word is a quoted lexeme, so nothing in it is tsquery syntax (&, |, !,
    <->, parentheses); quotes and backslashes are escaped in case a caller ever
    passes more than letters and digits.
    """
    if not words:
        raise ValueError("a full-text query needs at least one word")
    terms = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    if prefix_last:
        terms[-1] += ":*"
    return " & ".join(terms)


def text_hits(words: list[str], prefix_last: bool) -> Select:
    """(product_id, score) of matching products; a lower score is more relevant (minus ts_rank)."""
    return ranked_hits(query_text(words, prefix_last))


def count_hits(words: list[str], prefix_last: bool) -> Select:
    """How many products match, without ranking them."""
    return counted_hits(query_text(words, prefix_last))


def query_text(words: list[str], prefix_last: bool) -> str:
    """The value :func:`ranked_hits` and :func:`counted_hits` take: the query in the engine's syntax."""
    return tsquery_text(words, prefix_last)


def ranked_hits(text) -> Select:
    """:func:`text_hits` for a :func:`query_text` given as a value or a bind parameter."""
    query = func.to_tsquery(SIMPLE, text)
    return select(
        products.c.id.label("product_id"),
        (-func.ts_rank(search_vector, query)).label("score"),
    ).where(search_vector.op("@@")(query))


def counted_hits(text) -> Select:
    """:func:`count_hits` for a :func:`query_text` given as a value or a bind parameter."""
    return select(func.count()).select_from(products).where(search_vector.op("@@")(func.to_tsquery(SIMPLE, text)))
