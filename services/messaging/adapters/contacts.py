"""What messaging remembers of other services' facts to address order mails (DESIGN.md: local copies)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.messaging.adapters.orm import customer_languages, erased_customers, known_orders


class Contacts:
    def __init__(self, session):
        self.session = session

    # -- the language each customer reads ------------------------------------------------
    def language(self, customer_id: str | None) -> str | None:
        if not customer_id:
            return None
        return self.session.scalar(
            select(customer_languages.c.language).where(customer_languages.c.customer_id == customer_id))

    def remember_language(self, customer_id: str, language: str | None, now: datetime) -> None:
        if not language or self._erased(customer_id):
            return  # an erased customer's language is not kept, even if an old event still brings it
        # An upsert: two first messages of one customer at once must not collide on the key.
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(customer_languages).values(customer_id=customer_id, language=language,
                                                              updated_at=now)
        self.session.execute(statement.on_conflict_do_update(
            index_elements=[customer_languages.c.customer_id],
            set_={"language": statement.excluded.language, "updated_at": statement.excluded.updated_at}))

    # -- the orders order mails go out for -----------------------------------------------
    def order(self, order_number: str):
        """The order's row (customer_id, email), or None if order_placed has not been handled (yet)."""
        return self.session.execute(select(known_orders).where(known_orders.c.order_number == order_number)).first()

    def remember_order(self, order_number: str, customer_id: str, email: str | None, now: datetime) -> None:
        if self.order(order_number) is None:
            self.session.execute(insert(known_orders).values(order_number=order_number, customer_id=customer_id,
                                                             email=email, placed_at=now))

    def _erased(self, customer_id: str) -> bool:
        found = select(erased_customers.c.customer_id).where(erased_customers.c.customer_id == customer_id)
        return self.session.execute(found).first() is not None

    # -- privacy -------------------------------------------------------------------------
    def forget_customer(self, customer_id: str) -> None:
        self.session.execute(delete(customer_languages).where(customer_languages.c.customer_id == customer_id))
        self.session.execute(update(known_orders).where(known_orders.c.customer_id == customer_id).values(email=None))
