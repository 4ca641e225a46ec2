"""Queries of the orders database."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, or_, select

from services.chassis.paging import read_page
from services.chassis.row_locks import for_change, read
from services.chassis.tables import next_counter
from services.orders.domain.model import Cart, CartLine, Order
from services.orders.domain.quotes import Quote


class Carts:
    def __init__(self, session):
        self.session = session

    def add(self, cart: Cart) -> None:
        self.session.add(cart)

    def owned(self, cart_id: str, owner_id: str, lock: bool = False) -> Cart | None:
        query = select(Cart).where(Cart.id == cart_id, Cart.owner_id == owner_id)
        return read(self.session, query, lock).scalar_one_or_none()

    def page_of_owner(self, owner_id: str, query: dict) -> dict:
        """One page of the owner's carts, changed last first."""
        # A new cart and the one it deactivated share their updated_at (one clock reading):
        # the newer cart comes first, not whichever id sorts first.
        return _page(self.session, select(Cart).where(Cart.owner_id == owner_id),
                     (Cart.updated_at.desc(), Cart.created_at.desc(), Cart.id), query)

    def active(self, owner_id: str, lock: bool = False) -> Cart | None:
        query = select(Cart).where(Cart.owner_id == owner_id, Cart.status == "active")
        return read(self.session, query, lock).scalars().first()

    def delete(self, cart: Cart) -> None:
        self.session.delete(cart)

    def open_with_product(self, code: str) -> list[Cart]:
        """Locked (PostgreSQL), in id order: two price events for one product handled side by side
        must not both decide from the lines as they were before either committed, or the older
        price could be written last. The lines load after the lock, so they are the latest."""
        with_code = select(CartLine.cart_id).where(CartLine.reference == code)
        return list(for_change(self.session, select(Cart).where(Cart.id.in_(with_code), Cart.status != "purchased")
                               .order_by(Cart.id)).scalars())


class Orders:
    def __init__(self, session):
        self.session = session

    def add(self, order: Order) -> None:
        self.session.add(order)

    def by_number(self, number: str, lock: bool = False) -> Order | None:
        """``lock``: for a change (a status, a payment, a refund): see services/chassis/row_locks.py."""
        query = select(Order).where(Order.number == number)
        return read(self.session, query, lock).scalar_one_or_none()

    def by_cart(self, cart_id: str) -> Order | None:
        return self.session.execute(select(Order).where(Order.cart_id == cart_id)).scalar_one_or_none()

    def by_idempotency_key(self, owner_id: str, key: str) -> Order | None:
        return self.session.execute(
            select(Order).where(Order.owner_id == owner_id, Order.idempotency_key == key)
        ).scalar_one_or_none()

    def visible(self, customer_id: str, company_id: str | None, query: dict) -> dict:
        """A page of one customer's orders, or of their whole company's, newest first."""
        condition = Order.owner_id == customer_id
        if company_id is not None:
            condition = or_(condition, Order.company_id == company_id)
        return self.matching([condition], query)

    def matching(self, where: list, query: dict) -> dict:
        """A page of the orders meeting ``where`` and the query's filters (status, number, owner_id,
        placed_from/placed_to: days, UTC, both ends included), newest first."""
        where = list(where)
        if query.get("status"):
            where.append(Order.status == query["status"])
        if query.get("number"):
            where.append(Order.number == query["number"])
        if query.get("owner_id"):
            where.append(Order.owner_id == query["owner_id"])
        if query.get("placed_from"):
            where.append(Order.placed_at >= _start_of(query["placed_from"]))
        if query.get("placed_to"):
            where.append(Order.placed_at < _start_of(query["placed_to"]) + timedelta(days=1))
        return _page(self.session, select(Order).where(*where), (Order.placed_at.desc(), Order.id), query)

    def next_number(self, year: int) -> str:
        return f"ORD-{year}-{next_counter(self.session, f'order-{year}'):06d}"


class Quotes:
    def __init__(self, session):
        self.session = session

    def add(self, quote) -> None:
        self.session.add(quote)

    def draft(self, owner_id: str, lock: bool = False):
        query = select(Quote).where(Quote.owner_id == owner_id, Quote.status == "draft")
        return read(self.session, query, lock).scalars().first()

    def by_number(self, number: str, lock: bool = False):
        query = select(Quote).where(Quote.number == number)
        return read(self.session, query, lock).scalar_one_or_none()

    def by_id(self, quote_id: str, lock: bool = False):
        query = select(Quote).where(Quote.id == quote_id)
        return read(self.session, query, lock).scalar_one_or_none()

    def requested(self, owner_id: str | None, company_id: str | None, query: dict) -> dict:
        """A page of quotes past the draft stage, newest first: one customer's (and their company's), or
        everyone's (owner None); ``query["status"]``: only those."""
        select_quotes = select(Quote).where(Quote.status != "draft")
        if owner_id is not None:
            mine = Quote.owner_id == owner_id
            select_quotes = select_quotes.where(or_(mine, Quote.company_id == company_id) if company_id else mine)
        if query.get("status"):
            select_quotes = select_quotes.where(Quote.status == query["status"])
        return _page(self.session, select_quotes, (Quote.requested_at.desc(), Quote.id), query)

    def next_number(self, year: int) -> str:
        return f"QUO-{year}-{next_counter(self.session, f'quote-{year}'):06d}"


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _page(session, query, order_by: tuple, page_query: dict) -> dict:
    """The envelope of one page of ``query``'s rows: counted first, no row read past the end."""
    return read_page(
        lambda: session.execute(select(func.count()).select_from(query.subquery())).scalar_one(),
        lambda offset, limit: list(session.execute(query.order_by(*order_by).offset(offset).limit(limit)).scalars()),
        page_query)
