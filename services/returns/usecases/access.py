"""Who may see and act on which return: the RMA is looked up through the caller, so others' are 404."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.returns.adapters.repositories import Rmas
from services.returns.domain.errors import ReturnNotAllowed, RmaNotFound
from services.returns.domain.model import Rma


def ensure_may_return(caller: Identity) -> None:
    """Private customers, company admins and buyers act on returns; a company viewer only looks."""
    if caller.company_id is not None and caller.company_role not in ("admin", "buyer"):
        raise ReturnNotAllowed("Ask a buyer or your company's administrator.")


def visible_rma(uow, caller: Identity, number: str, lock: bool = False) -> Rma:
    rma = Rmas(uow.session).by_number(number, lock=lock)
    if rma is None or not (rma.customer_id == caller.customer_id
                           or (caller.company_id is not None and rma.company_id == caller.company_id)):
        raise RmaNotFound("No such return.")  # also for other people's: nothing leaks
    return rma


def acting_rma(uow, caller: Identity, number: str) -> Rma:
    """The caller's return, locked for a step (two racing steps take turns, the second sees the first)."""
    rma = visible_rma(uow, caller, number, lock=True)
    ensure_may_return(caller)
    return rma


def staff_rma(uow, number: str, lock: bool = True) -> Rma:
    rma = Rmas(uow.session).by_number(number, lock=lock)
    if rma is None:
        raise RmaNotFound("No such return.")
    return rma


