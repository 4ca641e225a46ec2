"""Queries over the messaging tables, inside the caller's session and transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, or_, select

from services.messaging.adapters.orm import erased_customers
from services.messaging.domain.model import PENDING, WAITING_FOR_ORDER, Notification


class Notifications:
    def __init__(self, session):
        self.session = session

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def add(self, notification: Notification) -> None:
        self.session.add(notification)

    def get_for_update(self, notification_id: str) -> Notification | None:
        # The row lock orders a delivery result against a concurrent erasure
        # (FOR UPDATE is a no-op on SQLite, where writers are serialised anyway).
        return self.session.get(Notification, notification_id, with_for_update=True)

    def of_customer(self, customer_id: str) -> list[Notification]:
        query = select(Notification).where(Notification.customer_id == customer_id)
        if self._postgresql:
            query = query.with_for_update()
        return list(self.session.scalars(query))

    def waiting_for(self, order_number: str) -> list[Notification]:
        """The mails that overtook this order, oldest first (WAITING_FOR_ORDER)."""
        query = (select(Notification)
                 .where(Notification.order_number == order_number, Notification.status == WAITING_FOR_ORDER)
                 .order_by(Notification.created_at, Notification.id))
        if self._postgresql:
            query = query.with_for_update()
        return list(self.session.scalars(query))

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Notification]:
        """Lease up to ``limit`` pending notifications that are due and not leased by another sender.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: replicas claiming at the same
        moment take different rows instead of waiting for each other.
        """
        query = (
            select(Notification)
            .where(
                Notification.status == PENDING,
                Notification.next_attempt_at <= now,
                or_(Notification.locked_until.is_(None), Notification.locked_until < now),
            )
            .order_by(Notification.created_at)
            .limit(limit)
        )
        if self._postgresql:
            query = query.with_for_update(skip_locked=True)
        claimed = list(self.session.scalars(query))
        for notification in claimed:
            notification.locked_until = lease_until
        return claimed

    def page(self, page: int, per_page: int, status: str | None = None,
             kind: str | None = None) -> tuple[list[Notification], int]:
        where = [column == value for column, value in ((Notification.status, status), (Notification.kind, kind))
                 if value]
        total = self.session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
        if (page - 1) * per_page >= total:
            return [], total  # past the end: no row to read (services/chassis/paging.py)
        rows = self.session.scalars(select(Notification).where(*where)
                                    .order_by(Notification.created_at.desc(), Notification.id)
                                    .limit(per_page).offset((page - 1) * per_page))
        return list(rows), total or 0

    # -- erased customers ------------------------------------------------------
    def is_erased(self, customer_id: str | None) -> bool:
        if not customer_id:
            return False
        found = self.session.execute(
            select(erased_customers.c.customer_id).where(erased_customers.c.customer_id == customer_id)
        ).first()
        return found is not None

    def remember_erased(self, customer_id: str, now: datetime) -> None:
        if not self.is_erased(customer_id):  # a second erasure event for the same customer changes nothing
            self.session.execute(insert(erased_customers).values(customer_id=customer_id, erased_at=now))
