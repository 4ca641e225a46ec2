"""From cart to order: preview, then place exactly once."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.chassis.auth import Identity
from services.chassis.rpc import in_background
from services.orders.adapters.repositories import Orders
from services.orders.domain.access import ensure_may_buy
from services.orders.domain.errors import BillingMissing, CartPurchased, PricesChanged
from services.orders.domain.model import Order
from services.orders.usecases.carts import owned_cart
from services.orders.usecases.quotes import mark_ordered as mark_quote_ordered

BILLING_REQUIRED = ("street", "postal_code", "city", "country")


def _check_catalog_prices(uow, caller: Identity, cart_id: str, catalog) -> dict:
    """The catalog's current prices for the cart's products (asked without holding the database)."""
    cart = owned_cart(uow, caller, cart_id)
    cart.ensure_editable()
    codes = [l.reference for l in cart.lines if l.kind == "product"]
    uow.rollback()
    return {code: (item.price if item else None) for code, item in catalog.products(codes).items()}


def preview(uow, caller: Identity, cart_id: str, catalog, clock) -> dict:
    """Totals as they would be charged, with any line whose price changed marked stale."""
    current = _check_catalog_prices(uow, caller, cart_id, catalog)
    cart = owned_cart(uow, caller, cart_id)
    cart.apply_catalog_prices(current, clock())
    uow.commit()  # stale marks are worth keeping: the cart shows them from now on
    return {"cart": cart, "totals": cart.totals(), "ready": bool(cart.lines) and not any(
        l.stale or l.unavailable for l in cart.lines)}


def billing_for(command: dict, accounts) -> dict:
    billing = command.get("billing") or accounts.billing()
    if not billing or any(not billing.get(name) for name in BILLING_REQUIRED):
        raise BillingMissing("Complete your billing data, or send it with the checkout.",
                             fields={"billing": ["Street, postal code, city and country are needed."]})
    return billing


def checkout(uow, caller: Identity, cart_id: str, command: dict, catalog, accounts, clock) -> Order:
    """Place the order; a cart is ordered once. (A retry with the same Idempotency-Key gets this
    order again from services/chassis/idempotency.py, which the RPC method runs this under.)"""
    ensure_may_buy(caller.company_id, caller.company_role)
    orders = Orders(uow.session)
    # The customer's details (accounts) and the cart's prices (catalog) are two services' answers
    # that do not depend on each other: asked side by side, the checkout waits for one hop, not two.
    asking_accounts = in_background(
        lambda: dict(billing_for(command, accounts), contact_email=accounts.contact_email()))
    current = _check_catalog_prices(uow, caller, cart_id, catalog)
    billing = asking_accounts.wait()
    cart = owned_cart(uow, caller, cart_id, lock=True)
    now = clock()
    cart.apply_catalog_prices(current, now)
    try:
        order = Order.place(cart, now, number=orders.next_number(now.year), customer_kind=caller.kind,
                            billing=billing, shipping_address=command["shipping_address"],
                            payment_method=command["payment_method"], idempotency_key=None)
    except PricesChanged:
        uow.commit()  # keep the stale marks, then tell the customer
        raise
    orders.add(order)
    if cart.quote_id is not None:
        mark_quote_ordered(uow, cart.quote_id)
    try:
        uow.commit()
    except IntegrityError:  # a concurrent checkout of this cart won
        uow.rollback()
        raise CartPurchased("This cart was just ordered.") from None
    return order
