"""Several carts per customer: at most one active; purchased ones are read only."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.chassis.auth import Identity
from services.orders.adapters.orm import ONE_ACTIVE_CART
from services.orders.adapters.repositories import Carts
from services.orders.domain.access import ensure_may_buy
from services.orders.domain.errors import CartNotFound, ProductUnavailable
from services.orders.domain.model import Cart, CartLine


def owned_cart(uow, caller: Identity, cart_id: str, lock: bool = False) -> Cart:
    """``lock`` for a change: a line edit and a checkout (or two edits) take turns (services/chassis/row_locks.py)."""
    cart = Carts(uow.session).owned(cart_id, caller.customer_id, lock=lock)
    if cart is None:
        raise CartNotFound("No such cart.")  # someone else's cart does not exist for you
    return cart


def choosing_the_active_cart(uow, attempt):
    """``attempt()`` (which commits), once more if a concurrent request made or chose the customer's
    active cart first: the database's one-active index refused this commit, and the second try
    sees their cart (as the first would have, had it come a moment later)."""
    try:
        return attempt()
    except IntegrityError as exc:
        if not _one_active_refused(exc):
            raise
        uow.rollback()
    return attempt()


def _one_active_refused(exc: IntegrityError) -> bool:
    message = str(exc.orig)  # PostgreSQL names the index; SQLite the column it covers
    return ONE_ACTIVE_CART in message or "carts.owner_id" in message


def list_carts(uow, caller: Identity, query: dict) -> dict:
    return Carts(uow.session).page_of_owner(caller.customer_id, query)


def deactivate_others(carts: Carts, caller: Identity, keep: Cart | None, now) -> None:
    current = carts.active(caller.customer_id)
    if current is not None and current is not keep:
        current.deactivate(now)
        # Written now: a flush orders its UPDATEs by id, and the one-active index checks each.
        carts.session.flush()


def create_cart(uow, caller: Identity, command: dict, clock) -> Cart:
    """A new cart becomes the active one."""
    ensure_may_buy(caller.company_id, caller.company_role)

    def attempt() -> Cart:
        carts, now = Carts(uow.session), clock()
        deactivate_others(carts, caller, None, now)
        cart = Cart(caller.customer_id, caller.company_id, command.get("name") or "Cart", command.get("note") or "",
                    now)
        carts.add(cart)
        uow.commit()
        return cart
    return choosing_the_active_cart(uow, attempt)


def update_cart(uow, caller: Identity, cart_id: str, changes: dict, clock) -> Cart:
    cart = owned_cart(uow, caller, cart_id, lock=True)
    cart.rename(changes.get("name"), changes.get("note"), clock())
    uow.commit()
    return cart


def delete_cart(uow, caller: Identity, cart_id: str) -> None:
    cart = owned_cart(uow, caller, cart_id, lock=True)
    cart.ensure_editable()
    Carts(uow.session).delete(cart)
    uow.commit()


def activate_cart(uow, caller: Identity, cart_id: str, clock) -> Cart:
    ensure_may_buy(caller.company_id, caller.company_role)

    def attempt() -> Cart:
        carts, now = Carts(uow.session), clock()
        cart = owned_cart(uow, caller, cart_id, lock=True)
        cart.ensure_editable()
        deactivate_others(carts, caller, cart, now)
        cart.activate(now)
        uow.commit()
        return cart
    return choosing_the_active_cart(uow, attempt)


def deactivate_cart(uow, caller: Identity, cart_id: str, clock) -> Cart:
    cart = owned_cart(uow, caller, cart_id, lock=True)
    cart.deactivate(clock())
    uow.commit()
    return cart


def add_item(uow, caller: Identity, cart_id: str | None, item: dict, catalog, clock) -> tuple[Cart, CartLine]:
    """A product by code, or a fixed-price service with its filled form. No cart id: the active cart."""
    ensure_may_buy(caller.company_id, caller.company_role)
    priced = _priced_from_catalog(item, catalog)  # ask the catalog before holding the database

    def attempt() -> tuple[Cart, CartLine]:
        carts, now = Carts(uow.session), clock()
        if cart_id is None:
            cart = carts.active(caller.customer_id, lock=True)  # two adds of one product: both pieces count
            if cart is None:
                cart = Cart(caller.customer_id, caller.company_id, "Cart", "", now)
                carts.add(cart)
        else:
            cart = owned_cart(uow, caller, cart_id, lock=True)
        line = cart.add(CartLine(*priced), now)
        uow.commit()
        return cart, line
    return choosing_the_active_cart(uow, attempt)


def _priced_from_catalog(item: dict, catalog) -> tuple:
    """A cart line's arguments, as the catalog prices the item now."""
    if "code" in item:
        found = catalog.products([item["code"]])[item["code"]]
        if found is None:
            raise ProductUnavailable("This product is not sold.", fields={"code": ["Unknown or not sold."]})
        return "product", found.reference, found.name, item["quantity"], found.price, found.currency, found.vat_rate
    service = catalog.service(item["service_id"])
    if not service.buyable or service.price is None:
        raise ProductUnavailable("This service is sold on quote: add it to the quote cart.",
                                 fields={"service_id": ["Needs a quote."]})
    form = catalog.validated_form(item["service_id"], item.get("form") or {})
    return ("service", service.reference, service.name, item["quantity"], service.price, service.currency,
            service.vat_rate, form)


def set_quantity(uow, caller: Identity, cart_id: str, line_id: str, quantity: int, clock) -> Cart:
    cart = owned_cart(uow, caller, cart_id, lock=True)
    cart.set_quantity(line_id, quantity, clock())
    uow.commit()
    return cart


def remove_item(uow, caller: Identity, cart_id: str, line_id: str, clock) -> Cart:
    cart = owned_cart(uow, caller, cart_id, lock=True)
    cart.remove(line_id, clock())
    uow.commit()
    return cart


def refresh_prices(uow, caller: Identity, cart_id: str, catalog, clock) -> tuple[Cart, list[dict]]:
    """Reprice every product line in one batch call to the catalog; returns the cart and what changed."""
    cart = owned_cart(uow, caller, cart_id)
    cart.ensure_editable()
    codes = [l.reference for l in cart.lines if l.kind == "product"]
    uow.rollback()  # do not hold the database while the catalog answers
    current = {code: (item.price if item else None) for code, item in catalog.products(codes).items()}
    cart = owned_cart(uow, caller, cart_id, lock=True)
    changes = cart.reprice(current, clock())
    uow.commit()
    return cart, changes


def note_price_change(uow, event: dict) -> int:
    """catalog.product_price_changed: lines with that code in open carts show the new price as stale."""
    carts = Carts(uow.session).open_with_product(event["code"])
    for cart in carts:
        cart.note_catalog_price(event["code"], event["new_price"]["amount"], event["occurred_at"])
    uow.commit()
    return len(carts)
