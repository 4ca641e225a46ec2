"""The steps of a return after it is opened; the state machine (domain/states.py) checks each one."""
from __future__ import annotations

from services.chassis.auth import Identity
from services.returns.domain.model import Rma
from services.returns.usecases.access import acting_rma, staff_rma


# -- staff -------------------------------------------------------------------------------------
def review(uow, number: str, command: dict, policy, clock) -> Rma:
    rma = staff_rma(uow, number)
    offer = command.get("offer")
    if offer is not None:  # kept as JSON: the amount as a decimal string, as on every wire
        offer = {"kind": offer["kind"], "description": offer.get("description", ""),
                 "amount": {"amount": f"{offer['amount']['amount']:.2f}", "currency": offer["amount"]["currency"]}}
    rma.review(command["decision"], command["message"], offer, policy, clock())
    uow.commit()
    return rma


def receive(uow, number: str, command: dict, policy, clock) -> Rma:
    rma = staff_rma(uow, number)
    rma.receive(command["decision"] == "accept", command["note"], policy, clock())
    uow.commit()
    return rma


def resolve(uow, number: str, command: dict, clock) -> Rma:
    rma = staff_rma(uow, number)
    rma.resolve(command["note"], clock())
    uow.commit()
    return rma


def return_to_customer(uow, number: str, command: dict, clock) -> Rma:
    rma = staff_rma(uow, number)
    rma.return_to_customer(command["carrier"], command["tracking_number"], command["note"], clock())
    uow.commit()
    return rma


def close(uow, number: str, command: dict, clock) -> Rma:
    rma = staff_rma(uow, number)
    rma.close(command["note"], clock())
    uow.commit()
    return rma


# -- customer ----------------------------------------------------------------------------------
def resubmit(uow, caller: Identity, number: str, command: dict, policy, clock) -> Rma:
    rma = acting_rma(uow, caller, number)
    rma.resubmit(command["message"], policy, clock())
    uow.commit()
    return rma


def answer_offer(uow, caller: Identity, number: str, command: dict, policy, clock) -> Rma:
    rma = acting_rma(uow, caller, number)
    rma.answer_offer(command["decision"] == "accept", command["message"], policy, clock())
    uow.commit()
    return rma


def confirm_shipment(uow, caller: Identity, number: str, command: dict, clock) -> Rma:
    rma = acting_rma(uow, caller, number)
    rma.confirm_shipment(command["carrier"], command["tracking_number"], clock())
    uow.commit()
    return rma
