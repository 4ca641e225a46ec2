"""The single-use links of password resets and invitations, issued when messaging sends them.

``password_reset_requested`` and ``employee_invited`` name the link by the token's id, which
opens nothing. When messaging is about to send the mail or SMS it asks for the link
(``AccountsService.internal_issue_link``): a fresh secret is made then, only its digest is
stored, and the URL goes back in the reply, once. A message sent again (a retry) asks again
and gets a new secret; the one before stops working. So no event, outbox row, dead letter or
notification row ever holds a working link: only the message itself does.
"""
from __future__ import annotations

from services.accounts.adapters.repositories import Customers, OneTimeTokens
from services.accounts.domain.errors import LinkUnavailable

# What the customer area opens for each kind of link (the portal's routes).
LINK_PATHS = {"reset": "reset-password", "activation": "activate"}


def issue_link(uow, command: dict, clock, base_url: str) -> dict:
    """``{"url", "expires_at"}`` for an open link; LinkUnavailable when it was used, expired or replaced."""
    now = clock()
    token = OneTimeTokens(uow.session).get(command["link_id"], command["kind"])
    holder = Customers(uow.session).get(token.customer_id) if token is not None else None
    if holder is None:
        uow.rollback()
        raise LinkUnavailable("There is no such link.")
    try:
        secret = token.issue(holder, now)
    except LinkUnavailable:
        uow.rollback()
        raise
    uow.commit()
    return {"url": f"{base_url.rstrip('/')}/{LINK_PATHS[token.purpose]}?token={secret}",
            "expires_at": token.expires_at}
