from sqlalchemy import exists, select

from services.accounts.adapters.orm import next_counter
from services.accounts.domain.model import Customer, normalise_email


class Customers:
    def __init__(self, session):
        self.session = session

    def add(self, customer: Customer) -> None:
        self.session.add(customer)

    def email_taken(self, email: str) -> bool:
        return self.session.execute(
            select(exists().where(Customer.email_normalised == normalise_email(email)))
        ).scalar_one()

    def next_customer_number(self) -> str:
        return f"CUS-{next_counter(self.session, 'customer_number'):06d}"
