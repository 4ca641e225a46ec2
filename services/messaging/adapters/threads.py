"""Queries over the desk's threads, inside the caller's session and transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import selectinload

from services.chassis.row_locks import hold_writes
from services.messaging.domain.threads import CLOSED, Thread


class Threads:
    def __init__(self, session):
        self.session = session

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def add(self, thread: Thread) -> None:
        self.session.add(thread)

    def get(self, thread_id: str, lock: bool = False) -> Thread | None:
        """One thread with its messages. ``lock``: for a change, so that two writers take turns
        (FOR UPDATE on PostgreSQL, the writer lock first on SQLite: services/chassis/row_locks.py)."""
        if lock:
            hold_writes(self.session)
        return self.session.get(Thread, thread_id, with_for_update=lock or None,
                                options=[selectinload(Thread.messages)])

    def channel(self, customer_id: str, context_type: str, ref: str, lock: bool = False) -> Thread | None:
        """The customer's thread for an order or RMA: the one not closed, else the newest closed one."""
        query = (select(Thread)
                 .where(Thread.customer_id == customer_id, Thread.context_type == context_type,
                        Thread.context_ref == ref)
                 .order_by((Thread.status == CLOSED).asc(), Thread.created_at.desc())
                 .limit(1)
                 .options(selectinload(Thread.messages)))
        if lock:
            hold_writes(self.session)
            if self._postgresql:
                query = query.with_for_update(of=Thread)
        return self.session.scalars(query).first()

    def of_customer(self, customer_id: str) -> list[Thread]:
        query = select(Thread).where(Thread.customer_id == customer_id).options(selectinload(Thread.messages))
        hold_writes(self.session)
        if self._postgresql:
            query = query.with_for_update(of=Thread)
        return list(self.session.scalars(query))

    def customer_page(self, customer_id: str, page: int, per_page: int) -> tuple[list[Thread], int]:
        return self._page([Thread.customer_id == customer_id], page, per_page)

    def staff_page(self, now: datetime, page: int, per_page: int, status: str | None = None,
                   context: str | None = None, ref: str | None = None, assigned: str | None = None,
                   unassigned: bool = False, overdue: bool | None = None) -> tuple[list[Thread], int]:
        where = []
        if status:
            where.append(Thread.status == status)
        if context:
            where.append(Thread.context_type == context)
        if ref:
            where.append(Thread.context_ref == ref)
        if unassigned:
            where.append(Thread.assigned_to.is_(None))
        elif assigned:
            where.append(Thread.assigned_to == assigned)
        if overdue is not None:
            # The same rule as Thread.is_overdue, as SQL.
            late = and_(Thread.status != CLOSED, Thread.first_response_at.is_(None),
                        Thread.first_response_due_at <= now)
            where.append(late if overdue else not_(late))
        return self._page(where, page, per_page)

    def _page(self, where: list, page: int, per_page: int) -> tuple[list[Thread], int]:
        total = self.session.scalar(select(func.count()).select_from(Thread).where(*where)) or 0
        if (page - 1) * per_page >= total:
            return [], total  # past the end: no row to read (services/chassis/paging.py)
        rows = self.session.scalars(
            select(Thread).where(*where).order_by(Thread.last_activity_at.desc(), Thread.id)
            .limit(per_page).offset((page - 1) * per_page)
        )
        return list(rows), total or 0
