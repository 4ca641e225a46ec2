"""Catalog commands and queries: one function each, called by the service with a unit of work.

Commands commit their unit of work before they return (see services/chassis/database.py).
"""
from __future__ import annotations

from decimal import Decimal
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from services.catalog.adapters.product_search import ProductSearch
from services.catalog.adapters.repositories import ProductTaxonomy, Products, Services, Taxa, taxa_with_counts
from services.catalog.domain.errors import CodeAlreadyUsed, ProductNotFound, ServiceNotFound, ServiceNotOffered
from services.catalog.domain.forms import OrderForm
from services.catalog.domain.model import Price, Product, Service, ServiceCategory, Taxon
from services.catalog.domain.search import SearchRequest, code_key
from services.catalog.schemas import ImportedProduct
from services.chassis.domain import Clock
from services.chassis.paging import envelope

IMPORT_BATCH_SIZE = 500


# -- reading the catalog -------------------------------------------------------------------
def search_products(uow, params: dict[str, Any]) -> dict[str, Any]:
    """A page of hits; ``uow`` needs only a ``session``, which may be read-only (adapters/read_pool.py)."""
    request = SearchRequest(**params)
    items, total = ProductSearch(uow.session).run(request)
    return envelope(items, total, request.page, request.per_page)


def get_product(uow, code: str) -> Product:
    product = Products(uow.session).get(code)
    if product is None:
        raise ProductNotFound(f"No product has the article code {code!r}.")
    return product


def look_up_prices(uow, codes: list[str]) -> dict[str, list]:
    """The products of a cart in one query, in the order asked; codes not in the catalog listed apart."""
    found = Products(uow.session).by_codes(codes, with_taxa=False)  # prices only: no categories, no showcases
    products, missing, seen = [], [], set()
    for code in codes:
        key = code_key(code)
        if key in seen:
            continue
        seen.add(key)
        if key in found:
            products.append(found[key])
        else:
            missing.append(code)
    return {"products": products, "missing": missing}


def list_taxa(uow, taxon_class: type[Taxon]) -> list[dict]:
    return taxa_with_counts(uow.session, taxon_class)


def list_services(uow, category: str | None = None) -> list[Service]:
    return Services(uow.session).active(category)


def get_service(uow, service_id: str) -> Service:
    service = Services(uow.session).get(service_id)
    if service is None:
        raise ServiceNotFound(f"No service has the id {service_id!r}.")
    return service


def validate_service_form(uow, service_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """A customer's filled-in order form, checked against the service's form (used by orders)."""
    service = get_service(uow, service_id)
    if not service.active:
        raise ServiceNotOffered(f"The service {service.name!r} is no longer offered.")
    return {"service_id": service.id, "values": service.clean_order_form(values)}


# -- staff edits -----------------------------------------------------------------------------
def create_product(uow, command: dict[str, Any], clock: Clock) -> Product:
    products = Products(uow.session)
    if products.get(command["code"]) is not None:
        raise _code_taken(command["code"])
    fields = ProductTaxonomy(uow.session).resolve(domain_values(command))
    product = Product(now=clock(), **fields)
    products.add(product)
    try:
        uow.commit()
    except IntegrityError:  # the same code created concurrently
        uow.rollback()
        raise _code_taken(command["code"]) from None
    return product


def update_product(uow, code: str, changes: dict[str, Any], clock: Clock) -> Product:
    """Change what is given; a new price records product_price_changed, committed with it."""
    product = get_product(uow, code)
    product.change(clock(), **ProductTaxonomy(uow.session).resolve(domain_values(changes)))
    uow.commit()
    return product


def create_service(uow, command: dict[str, Any], clock: Clock) -> Service:
    fields = dict(domain_values(command), form=OrderForm.from_definition(command.get("form", [])),
                  category=Taxa(uow.session, ServiceCategory).one_named(command["category"]))
    service = Service(now=clock(), **fields)
    Services(uow.session).add(service)
    uow.commit()
    return service


def update_service(uow, service_id: str, changes: dict[str, Any], clock: Clock) -> Service:
    service = get_service(uow, service_id)
    changes = domain_values(changes)
    if "form" in changes:
        changes = dict(changes, form=OrderForm.from_definition(changes["form"]))
    if "category" in changes:
        changes = dict(changes, category=Taxa(uow.session, ServiceCategory).one_named(changes["category"]))
    service.change(clock(), **changes)
    uow.commit()
    return service


def domain_values(fields: dict[str, Any]) -> dict[str, Any]:
    """A command's wire values (decimal strings) as domain values (Decimal, Price)."""
    values = dict(fields)
    if values.get("price") is not None:
        values["price"] = Price(Decimal(values["price"]["amount"]), values["price"]["currency"])
    if "vat_rate" in values:
        values["vat_rate"] = Decimal(values["vat_rate"])
    return values


def _code_taken(code: str) -> CodeAlreadyUsed:
    return CodeAlreadyUsed(f"The article code {code!r} is already used.", fields={"code": ["Already used."]})


# -- import -------------------------------------------------------------------------------------
def import_products(uow, rows: Iterable[tuple[int, Any]], clock: Clock, batch_size: int = IMPORT_BATCH_SIZE,
                    progress: Callable[[dict, int], None] | None = None) -> dict[str, Any]:
    """Create or update products from ``(line, row)`` pairs, one commit per batch.

    A row that fails validation, or that the database refuses, is listed in
    ``rejected`` with its line and the reason; the other rows are kept.
    """
    summary: dict[str, Any] = {"created": 0, "updated": 0, "rejected": []}
    taxonomy = ProductTaxonomy(uow.session)
    done = 0
    for batch in _batches(rows, batch_size):
        _import_batch(uow, batch, taxonomy, clock, summary)
        done += len(batch)
        if progress is not None:
            progress(summary, done)
    return summary


def _import_batch(uow, batch: list[tuple[int, Any]], taxonomy: ProductTaxonomy, clock: Clock, summary: dict) -> None:
    outcome = _apply_rows(uow, batch, taxonomy, clock)
    try:
        uow.commit()
    except SQLAlchemyError:
        uow.rollback()
        taxonomy.forget()
        # Some row broke the batch in the database: commit row by row to keep the others.
        for line, row in batch:
            outcome = _apply_rows(uow, [(line, row)], taxonomy, clock)
            try:
                uow.commit()
            except SQLAlchemyError as exc:
                uow.rollback()
                taxonomy.forget()
                outcome = {"created": 0, "updated": 0, "rejected": [
                    {"line": line, "reason": f"refused by the database: {type(exc.orig or exc).__name__}"}]}
            _add(summary, outcome)
        return
    _add(summary, outcome)


def _apply_rows(uow, batch: list[tuple[int, Any]], taxonomy: ProductTaxonomy, clock: Clock) -> dict[str, Any]:
    outcome: dict[str, Any] = {"created": 0, "updated": 0, "rejected": []}
    loader, valid = ImportedProduct(), []
    for line, row in batch:
        try:
            valid.append((line, loader.load(row)))
        except ValidationError as exc:
            outcome["rejected"].append({"line": line, "reason": describe_errors(exc.messages)})
    products = Products(uow.session)
    existing = products.by_codes(data["code"] for _, data in valid)
    now = clock()
    for line, data in valid:
        product = existing.get(code_key(data["code"]))
        if product is not None:
            product.change(now, **taxonomy.resolve(domain_values({k: v for k, v in data.items() if k != "code"})))
            outcome["updated"] += 1
            continue
        missing = [name for name in ImportedProduct.REQUIRED_TO_CREATE if name not in data]
        if missing:
            outcome["rejected"].append({"line": line, "reason": f"new product without {', '.join(missing)}"})
            continue
        product = Product(now=now, **taxonomy.resolve(domain_values(data)))
        products.add(product)
        existing[product.code_key] = product  # the same code again later in the file updates it
        outcome["created"] += 1
    return outcome


def _add(summary: dict, outcome: dict) -> None:
    summary["created"] += outcome["created"]
    summary["updated"] += outcome["updated"]
    summary["rejected"].extend(outcome["rejected"])


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def describe_errors(messages: Any, path: str = "") -> str:
    """Marshmallow's nested messages as one line: ``price.amount: Not a valid number.``"""
    if isinstance(messages, dict):
        return "; ".join(describe_errors(value, f"{path}.{key}" if path else str(key))
                         for key, value in messages.items())
    text = " ".join(map(str, messages)) if isinstance(messages, list) else str(messages)
    return f"{path}: {text}" if path and path != "_schema" else text
