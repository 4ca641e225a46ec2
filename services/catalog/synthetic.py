"""A large synthetic catalog for benchmarks: ``sportello catalog generate --count 100000``.

Deterministic for a seed: the same seed gives the same products. Built from the
demo catalog's multilingual blocks, with a random model number in each name so
that names are not all alike, and written with bulk inserts (adapters/bulk.py).
"""
from __future__ import annotations

import random
import string
from decimal import Decimal
from typing import Callable, Iterator

from services.catalog.adapters.bulk import insert_new_products, product_values
from services.catalog.adapters.repositories import ProductTaxonomy
from services.catalog.demo_data import BLOCKS, SHOWCASES, product_row
from services.catalog.domain.model import Price, Product, slugify
from services.chassis.domain import Clock

GENERATE_BATCH_SIZE = 5000


def synthetic_rows(count: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    for number in range(1, count + 1):
        block = rng.choice(BLOCKS)
        row = product_row(rng, block, f"S{seed}-{block.prefix}-{number:07d}", rng.randrange(len(block.items)),
                          rng.randrange(len(block.variants)), detail_sentences=rng.randint(1, 3))
        model = "".join(rng.choices(string.ascii_uppercase, k=2)) + f"-{rng.randint(100, 9999)}"
        row["name"] = f"{row['name']} {model}"
        yield row


def generate_products(uow, count: int, seed: int, clock: Clock, batch_size: int = GENERATE_BATCH_SIZE,
                      progress: Callable[[int, int], None] | None = None) -> int:
    """Add ``count`` synthetic products (codes already there are skipped); returns how many were new."""
    taxa = _taxon_ids(uow)
    now, created, batch = clock(), 0, []
    for done, row in enumerate(synthetic_rows(count, seed), start=1):
        product = Product(code=row["code"], name=row["name"], technical_description=row["technical_description"],
                          price=Price(Decimal(row["price"]["amount"]), row["price"]["currency"]),
                          vat_rate=Decimal(row["vat_rate"]), now=now, stock_status=row["stock_status"],
                          thumbnail_url=row["thumbnail_url"], image_urls=row["image_urls"])
        batch.append((product_values(product, taxa["producers"][slugify(row["producer"])]),
                      [taxa["categories"][slugify(name)] for name in row["categories"]],
                      [taxa["showcases"][slugify(name)] for name in row["showcases"]]))
        if len(batch) == batch_size or done == count:
            created += insert_new_products(uow.session, batch)
            uow.commit()
            batch.clear()
            if progress is not None:
                progress(done, created)
    return created


def _taxon_ids(uow) -> dict[str, dict[str, int]]:
    """Make every producer, category and showcase the blocks name; their ids by kind and slug."""
    taxonomy = ProductTaxonomy(uow.session)
    taxa = {
        "producers": taxonomy.producers.named([name for block in BLOCKS for name in block.producers]),
        "categories": taxonomy.categories.named([block.category for block in BLOCKS]),
        "showcases": taxonomy.showcases.named(SHOWCASES),
    }
    uow.commit()
    return {kind: {taxon.slug: taxon.id for taxon in found} for kind, found in taxa.items()}
