from datetime import datetime, timezone

from services.accounts.domain.model import Customer, normalise_email

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def test_registering_records_customer_registered_once():
    customer = Customer.register(customer_number="CUS-000007", email=" Anna@Example.IT ", first_name="Anna",
                                 last_name="Neri", password_hash="h", now=NOW)
    [event] = customer.drain_events()
    assert event.type == "customer_registered"
    assert event.occurred_at == NOW
    assert event.data["customer_number"] == "CUS-000007"
    assert event.data["email"] == "Anna@Example.IT"
    assert customer.drain_events() == []


def test_emails_are_unique_without_regard_to_case_and_space():
    assert normalise_email(" Anna@Example.IT ") == normalise_email("anna@example.it")
