"""The quote cart, quote requests, staff pricing, acceptance into a cart."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.orders.adapters.repositories import Carts, Quotes
from services.orders.usecases.carts import choosing_the_active_cart, deactivate_others
from services.orders.domain.access import ensure_may_buy, may_see_order
from services.orders.domain.errors import ProductUnavailable, QuoteNotFound
from services.orders.domain.quotes import Quote, QuoteLine


def quote_cart(uow, caller: Identity, clock, create: bool = False, lock: bool = False) -> Quote:
    """The caller's draft quote (made when first needed); ``lock`` for a change (services/chassis/row_locks.py)."""
    quotes = Quotes(uow.session)
    draft = quotes.draft(caller.customer_id, lock=lock)
    if draft is None:
        draft = Quote(caller.customer_id, caller.company_id, clock())
        if create:
            quotes.add(draft)
    return draft


def add_to_quote_cart(uow, caller: Identity, item: dict, catalog, clock) -> Quote:
    ensure_may_buy(caller.company_id, caller.company_role)
    service = catalog.service(item["service_id"])
    if service.buyable:
        raise ProductUnavailable("This service has a fixed price: add it to a cart.",
                                 fields={"service_id": ["Has a fixed price."]})
    form = catalog.validated_form(item["service_id"], item.get("form") or {})
    draft = quote_cart(uow, caller, clock, create=True, lock=True)
    draft.add(QuoteLine(service.reference, service.name, form, item["quantity"], service.currency, service.vat_rate))
    uow.commit()
    return draft


def remove_from_quote_cart(uow, caller: Identity, line_id: str, clock) -> Quote:
    draft = quote_cart(uow, caller, clock, lock=True)
    draft.remove(line_id)
    uow.commit()
    return draft


def request_quote(uow, caller: Identity, message: str, accounts, clock) -> Quote:
    ensure_may_buy(caller.company_id, caller.company_role)
    email = accounts.contact_email()
    draft = quote_cart(uow, caller, clock, lock=True)  # two requests at once: one quote, one mail
    now = clock()
    draft.request(Quotes(uow.session).next_number(now.year), message, email, now)
    uow.commit()
    return draft


def list_quotes(uow, caller: Identity, query: dict, clock) -> dict:
    page = Quotes(uow.session).requested(caller.customer_id, caller.company_id, query)
    _with_expiry(uow, page["items"], clock)
    return page


def _with_expiry(uow, quotes: list[Quote], clock) -> list[Quote]:
    today = clock().date()
    for quote in quotes:
        quote.expire_if_due(today)
    uow.commit()
    return quotes


def _visible_quote(uow, caller: Identity, number: str, lock: bool = False) -> Quote:
    quote = Quotes(uow.session).by_number(number, lock=lock)
    if quote is None or not may_see_order(quote, caller.customer_id, caller.company_id):
        raise QuoteNotFound("No such quote.")
    return quote


def get_quote(uow, caller: Identity, number: str, clock) -> Quote:
    return _with_expiry(uow, [_visible_quote(uow, caller, number)], clock)[0]


def _own_quote_to_change(uow, caller: Identity, number: str) -> Quote:
    """Locked until commit: an accept and a decline (or two accepts) take turns; one cart, one answer."""
    quote = _visible_quote(uow, caller, number, lock=True)
    if quote.owner_id != caller.customer_id:
        raise QuoteNotFound("No such quote.")
    return quote


def accept_quote(uow, caller: Identity, number: str, clock):
    """The quote's cart becomes the active one, as a new cart does."""
    ensure_may_buy(caller.company_id, caller.company_role)

    def attempt():
        quote, carts, now = _own_quote_to_change(uow, caller, number), Carts(uow.session), clock()
        cart = quote.accept(now)  # refused (expired, not priced): nothing else changed
        deactivate_others(carts, caller, None, now)
        carts.add(cart)
        uow.commit()
        return quote, cart
    return choosing_the_active_cart(uow, attempt)


def decline_quote(uow, caller: Identity, number: str, clock) -> Quote:
    """Like accepting: the representative who asked decides; colleagues only see the quote."""
    ensure_may_buy(caller.company_id, caller.company_role)
    quote = _own_quote_to_change(uow, caller, number)
    quote.decline(clock().date())
    uow.commit()
    return quote


def staff_list_quotes(uow, query: dict, clock) -> dict:
    page = Quotes(uow.session).requested(None, None, query)
    _with_expiry(uow, page["items"], clock)
    return page


def price_quote(uow, number: str, command: dict, clock) -> Quote:
    quote = Quotes(uow.session).by_number(number, lock=True)  # two staff pricing at once: one quote_priced
    if quote is None:
        raise QuoteNotFound("No such quote.")
    prices = {line["line_id"]: line["unit_price"] for line in command["lines"]}
    quote.price(prices, command["valid_until"], command.get("note"), clock())
    uow.commit()
    return quote


def mark_ordered(uow, quote_id: str) -> None:
    """Called in the checkout's transaction when the cart came from a quote."""
    quote = Quotes(uow.session).by_id(quote_id, lock=True)
    if quote is not None:
        quote.mark_ordered()
