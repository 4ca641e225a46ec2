"""The RMA state machine of DESIGN.md, as data, and the one check every step goes through."""
from __future__ import annotations

from services.returns.domain.errors import IllegalTransition

TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"approved", "info_requested", "rejected", "offered"}),
    "offered": frozenset({"resolved", "submitted"}),  # the customer accepts or declines the offer
    "info_requested": frozenset({"submitted"}),  # the customer completes and resubmits
    "approved": frozenset({"shipped"}),
    "shipped": frozenset({"received"}),
    "received": frozenset({"accepted", "refused"}),
    "accepted": frozenset({"resolved"}),  # refunded or replaced
    "refused": frozenset({"returned_to_customer"}),
    "rejected": frozenset({"closed"}),
    "resolved": frozenset({"closed"}),
    "returned_to_customer": frozenset({"closed"}),
    "closed": frozenset(),
}
END_STATES = frozenset({"rejected", "resolved", "returned_to_customer"})
# Goods in these states are not (or no longer) coming back to the shop, so their
# quantity may be asked for again; every other state holds it.
RELEASES_QUANTITY = frozenset({"rejected", "refused", "returned_to_customer"})
# While the customer may still add photos and documents.
ACCEPTS_ATTACHMENTS = frozenset({"submitted", "info_requested", "offered", "approved", "shipped"})


def holds_quantity(status: str, closed_from: str | None) -> bool:
    """Whether a return in this state keeps its pieces from being returned again."""
    return (closed_from if status == "closed" else status) not in RELEASES_QUANTITY


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(
            f"A return that is {current} cannot become {target}.",
            extra={"current_status": current, "allowed": sorted(TRANSITIONS.get(current, ()))},
        )
