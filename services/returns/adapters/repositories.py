"""Queries of the returns database."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import and_, func, or_, select

from services.chassis.row_locks import hold_writes
from services.chassis.tables import next_counter
from services.returns.domain.model import Attachment, Rma, RmaLine
from services.returns.domain.orders import DeliveredOrder
from services.returns.domain.states import RELEASES_QUANTITY


class DeliveredOrders:
    def __init__(self, session):
        self.session = session

    def add(self, order: DeliveredOrder) -> None:
        self.session.add(order)

    def by_number(self, order_number: str, lock: bool = False) -> DeliveredOrder | None:
        """``lock`` holds the order row until commit, so two requests cannot return the same pieces."""
        query = select(DeliveredOrder).where(DeliveredOrder.order_number == order_number)
        if lock:
            hold_writes(self.session)  # SQLite has no FOR UPDATE (services/chassis/row_locks.py)
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def open_windows(self, customer_id: str, company_id: str | None, now: datetime) -> list[DeliveredOrder]:
        condition = DeliveredOrder.customer_id == customer_id
        if company_id is not None:
            condition = or_(condition, DeliveredOrder.company_id == company_id)
        return list(self.session.execute(
            select(DeliveredOrder).where(condition, DeliveredOrder.window_closes_at > now)
            .order_by(DeliveredOrder.delivered_at.desc())
        ).scalars())


class Rmas:
    def __init__(self, session):
        self.session = session

    def add(self, rma: Rma) -> None:
        self.session.add(rma)

    def by_number(self, number: str, lock: bool = False) -> Rma | None:
        query = select(Rma).where(Rma.number == number)
        if lock:
            hold_writes(self.session)  # SQLite has no FOR UPDATE (services/chassis/row_locks.py)
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.execute(query).scalar_one_or_none()

    def by_idempotency_key(self, customer_id: str, key: str) -> Rma | None:
        return self.session.execute(
            select(Rma).where(Rma.customer_id == customer_id, Rma.idempotency_key == key)
        ).scalar_one_or_none()

    def held_quantities(self, order_ids: list[str]) -> dict[str, dict[int, int]]:
        """Per order, per line position: pieces under returns that hold them (domain/states.holds_quantity).

        One aggregate query, so that an order with many returns costs no more than one with few.
        """
        found: dict[str, dict[int, int]] = {order_id: {} for order_id in order_ids}
        if not order_ids:
            return found
        releasing = sorted(RELEASES_QUANTITY)
        holds = and_(Rma.status.not_in(releasing),
                     or_(Rma.status != "closed", Rma.closed_from.is_(None), Rma.closed_from.not_in(releasing)))
        rows = self.session.execute(
            select(Rma.order_id, RmaLine.position, func.sum(RmaLine.quantity))
            .join(RmaLine, RmaLine.rma_id == Rma.id)
            .where(Rma.order_id.in_(order_ids), holds)
            .group_by(Rma.order_id, RmaLine.position)
        )
        for order_id, position, quantity in rows:
            found[order_id][position] = int(quantity)
        return found

    def of_customer(self, customer_id: str) -> list[Rma]:
        return list(self.session.execute(select(Rma).where(Rma.customer_id == customer_id)).scalars())

    def visible(self, customer_id: str, company_id: str | None, status: str | None, page: int, per_page: int):
        condition = Rma.customer_id == customer_id
        if company_id is not None:
            condition = or_(condition, Rma.company_id == company_id)
        return self._page([condition] + ([Rma.status == status] if status else []), page, per_page)

    def queue(self, status: str | None, overdue_at: datetime | None, page: int, per_page: int):
        """Staff's queue; ``overdue_at``: only submitted returns whose review deadline passed by then."""
        conditions = [Rma.status == status] if status else []
        if overdue_at is not None:
            conditions += [Rma.status == "submitted", Rma.review_deadline < overdue_at]
        return self._page(conditions, page, per_page, oldest_deadline_first=True)

    def _page(self, conditions, page: int, per_page: int, oldest_deadline_first: bool = False):
        query = select(Rma).where(*conditions)
        total = self.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        if (page - 1) * per_page >= total:
            return [], total  # past the end: no row to read (services/chassis/paging.py)
        order = (Rma.review_deadline.asc(), Rma.number.asc()) if oldest_deadline_first else (Rma.created_at.desc(),)
        rows = self.session.execute(query.order_by(*order).offset((page - 1) * per_page).limit(per_page)).scalars()
        return list(rows), total

    def next_number(self, year: int) -> str:
        return f"RMA-{year}-{next_counter(self.session, f'rma-{year}'):06d}"


class Attachments:
    def __init__(self, session):
        self.session = session

    def uploaded_since(self, customer_id: str, since: datetime) -> tuple[int, int, datetime | None]:
        """(files, bytes, the oldest upload's time) the customer uploaded since ``since``, on any return."""
        count, total, oldest = self.session.execute(
            select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0), func.min(Attachment.uploaded_at))
            .where(Attachment.uploaded_by == customer_id, Attachment.uploaded_at > since)
        ).one()
        if oldest is not None and oldest.tzinfo is None:  # SQLite's min() bypasses the column type
            oldest = oldest.replace(tzinfo=timezone.utc)
        return int(count), int(total), oldest
