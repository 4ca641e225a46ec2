"""Loading and storing the catalog's aggregates; the search query is in product_search.py."""
from __future__ import annotations

from typing import Iterable, TypeVar

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import selectinload

from services.catalog.adapters.orm import (categories, product_categories, product_showcases, producers, products,
                                           service_categories, services, showcases)
from services.catalog.domain.model import Category, Producer, Product, Service, ServiceCategory, Showcase, Taxon, slugify
from services.catalog.domain.search import code_key

T = TypeVar("T", bound=Taxon)


class Products:
    def __init__(self, session):
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(product)

    def get(self, code: str) -> Product | None:
        return self.by_codes([code]).get(code_key(code))

    def by_codes(self, codes: Iterable[str], with_taxa: bool = True) -> dict[str, Product]:
        """Products found among ``codes``, keyed by their code key (one query, however many codes).

        ``with_taxa=False``: without their categories and showcases, two statements fewer, for
        callers that never read them (a cart's price lookup).
        """
        keys = sorted({code_key(code) for code in codes})
        if not keys:
            return {}
        query = select(Product).where(products.c.code_key.in_(keys))
        if with_taxa:
            query = query.options(selectinload(Product.categories), selectinload(Product.showcases))
        return {product.code_key: product for product in self.session.scalars(query)}


class Taxa:
    """Producers, categories, showcases or service categories, found or made by name."""

    def __init__(self, session, taxon_class: type[T]):
        self.session = session
        self.taxon_class = taxon_class
        self._by_slug: dict[str, T] = {}  # one import touches the same few taxa again and again

    def named(self, names: Iterable[str]) -> list[T]:
        found = []
        for name in names:
            slug = slugify(name)
            if slug not in self._by_slug:
                taxon = self.session.scalars(select(self.taxon_class).filter_by(slug=slug)).first()
                if taxon is None:
                    taxon = self.taxon_class(name)
                    self.session.add(taxon)
                self._by_slug[slug] = taxon
            if self._by_slug[slug] not in found:
                found.append(self._by_slug[slug])
        return found

    def one_named(self, name: str | None) -> T | None:
        return None if name is None else self.named([name])[0]


class Services:
    def __init__(self, session):
        self.session = session

    def add(self, service: Service) -> None:
        self.session.add(service)

    def get(self, service_id: str) -> Service | None:
        return self.session.get(Service, service_id)

    def active(self, category_slug: str | None = None) -> list[Service]:
        query = select(Service).where(services.c.active == true())
        if category_slug is not None:
            query = query.join(ServiceCategory).where(service_categories.c.slug == category_slug)
        return list(self.session.scalars(query.order_by(services.c.name, services.c.id)))

    def count(self) -> int:
        return self.session.execute(select(func.count()).select_from(services)).scalar_one()


def taxa_with_counts(session, taxon_class: type[Taxon]) -> list[dict]:
    """Every producer (category, showcase, service category) with how many active items it has."""
    table, joined, counted = _counting_join(taxon_class)
    query = (select(table.c.slug, table.c.name, func.count(counted).label("count"))
             .select_from(joined).group_by(table.c.id, table.c.slug, table.c.name).order_by(table.c.name))
    return [dict(row._mapping) for row in session.execute(query)]


def _counting_join(taxon_class: type[Taxon]):
    """(taxon table, the taxa joined to their active items, the item column to count)."""
    if taxon_class is ServiceCategory:
        active = and_(services.c.category_id == service_categories.c.id, services.c.active == true())
        return service_categories, service_categories.outerjoin(services, active), services.c.id
    if taxon_class is Producer:
        active = and_(products.c.producer_id == producers.c.id, products.c.active == true())
        return producers, producers.outerjoin(products, active), products.c.id
    table, link, key = {Category: (categories, product_categories, "category_id"),
                        Showcase: (showcases, product_showcases, "showcase_id")}[taxon_class]
    active = and_(products.c.id == link.c.product_id, products.c.active == true())
    return table, table.outerjoin(link, link.c[key] == table.c.id).outerjoin(products, active), products.c.id


class ProductTaxonomy:
    """Turns the producer, category and showcase names of a command into taxa (made when new)."""

    def __init__(self, session):
        self.session = session
        self.forget()

    def forget(self) -> None:
        """Drop what was looked up (after a rollback, taxa made in it no longer exist)."""
        self.producers = Taxa(self.session, Producer)
        self.categories = Taxa(self.session, Category)
        self.showcases = Taxa(self.session, Showcase)

    def resolve(self, fields: dict) -> dict:
        resolved = dict(fields)
        if "producer" in fields:
            resolved["producer"] = self.producers.one_named(fields["producer"])
        if "categories" in fields:
            resolved["categories"] = self.categories.named(fields["categories"])
        if "showcases" in fields:
            resolved["showcases"] = self.showcases.named(fields["showcases"])
        return resolved
