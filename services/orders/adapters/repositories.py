"""Queries of the orders database."""
from __future__ import annotations

from sqlalchemy import func, or_, select

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

    def of_owner(self, owner_id: str) -> list[Cart]:
        return list(self.session.execute(
            select(Cart).where(Cart.owner_id == owner_id).order_by(Cart.updated_at.desc())
        ).scalars())

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

    def visible(self, customer_id: str, company_id: str | None, status: str | None, page: int, per_page: int):
        """(orders on the page, total) of one customer, or of their whole company."""
        condition = Order.owner_id == customer_id
        if company_id is not None:
            condition = or_(condition, Order.company_id == company_id)
        return self._page(condition, status, page, per_page)

    def all(self, status: str | None, page: int, per_page: int):
        return self._page(None, status, page, per_page)

    def _page(self, condition, status, page, per_page):
        query = select(Order)
        if condition is not None:
            query = query.where(condition)
        if status:
            query = query.where(Order.status == status)
        total = self.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = self.session.execute(
            query.order_by(Order.placed_at.desc()).offset((page - 1) * per_page).limit(per_page)
        ).scalars().all()
        return list(rows), total

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

    def requested(self, owner_id: str | None, company_id: str | None, status: str | None):
        """Quotes past the draft stage: one customer's (and their company's), or everyone's (owner None)."""
        query = select(Quote).where(Quote.status != "draft")
        if owner_id is not None:
            mine = Quote.owner_id == owner_id
            query = query.where(or_(mine, Quote.company_id == company_id) if company_id else mine)
        if status:
            query = query.where(Quote.status == status)
        return list(self.session.execute(query.order_by(Quote.requested_at.desc())).scalars())

    def next_number(self, year: int) -> str:
        return f"QUO-{year}-{next_counter(self.session, f'quote-{year}'):06d}"
