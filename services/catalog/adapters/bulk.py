"""Bulk inserts for the synthetic catalog: Core statements, thousands of rows per round trip.

The ORM path (usecases.import_products) is the one for real imports: it
updates, records price changes and reports each bad row. This path only adds
new products, fast enough for 100,000 of them, and skips codes already there.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from services.catalog.adapters.orm import product_categories, product_showcases, products
from services.catalog.domain.model import Product

PRODUCT_COLUMNS = tuple(column.name for column in products.c if column.name not in ("id", "producer_id"))
DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def product_values(product: Product, producer_id: int | None) -> dict:
    """The row of a product built by the domain (so that codes and search text are made the same way)."""
    values = {name: getattr(product, name) for name in PRODUCT_COLUMNS}
    values["producer_id"] = producer_id
    return values


def insert_new_products(session, rows: list[tuple[dict, list[int], list[int]]]) -> int:
    """Insert (product values, category ids, showcase ids); returns how many were new."""
    insert = DIALECT_INSERT[session.get_bind().dialect.name]
    statement = (insert(products).on_conflict_do_nothing(index_elements=["code_key"])
                 .returning(products.c.id, products.c.code_key))
    new_ids = {key: product_id for product_id, key in session.execute(statement, [values for values, _, _ in rows])}
    category_links, showcase_links = [], []
    for values, category_ids, showcase_ids in rows:
        product_id = new_ids.get(values["code_key"])
        if product_id is not None:
            category_links += [{"product_id": product_id, "category_id": taxon} for taxon in category_ids]
            showcase_links += [{"product_id": product_id, "showcase_id": taxon} for taxon in showcase_ids]
    if category_links:
        session.execute(product_categories.insert(), category_links)
    if showcase_links:
        session.execute(product_showcases.insert(), showcase_links)
    return len(new_ids)
