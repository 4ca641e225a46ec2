"""Disputed tax ids (REVIEW R17): the staff desk frees a number that another company holds.

A tax id is unique among companies but not verified when a company registers, so whoever
registers first holds it, the real company or not. The real company's registration then fails
with a text that sends it to the shop; the desk looks the number up, checks the caller's proof
outside Sportello (registry record, VAT certificate), and a staff administrator releases it. The
holder keeps its record, its people and its orders; only its claim on the number ends
(``Company.release_tax_id``), so the real company can register. Verifying numbers against the
VIES / registry services at registration would prevent the squat; this is the remedy when it
happened anyway.
"""
from __future__ import annotations

from services.accounts.adapters.repositories import Companies, Customers
from services.accounts.domain.errors import CompanyNotFound
from services.accounts.domain.model import Company
from services.chassis.auth import Identity


def _with_people(uow, company: Company) -> dict:
    return {"company": company, "representatives": Customers(uow.session).of_company(company.id)}


def find_company(uow, tax_id: str) -> dict:
    """The company that holds ``tax_id`` now, however it is written, and its people."""
    company = Companies(uow.session).by_tax_id(tax_id)
    if company is None:
        raise CompanyNotFound("No company holds this tax id.")
    return _with_people(uow, company)


def release_tax_id(uow, staff: Identity, company_id: str, clock) -> dict:
    company = Companies(uow.session).get(company_id)
    if company is None:
        raise CompanyNotFound("No such company.")
    company.release_tax_id(clock(), released_by=staff.customer_id)
    uow.commit()
    return _with_people(uow, company)
