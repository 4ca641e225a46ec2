"""Who may see and do what with carts and orders (pure functions on the caller's attributes)."""
from __future__ import annotations

from services.orders.domain.errors import BuyingNotAllowed


def ensure_may_buy(company_id: str | None, company_role: str | None) -> None:
    """Private customers, company admins and buyers may order; a company viewer only looks."""
    if company_id is not None and company_role not in ("admin", "buyer"):
        raise BuyingNotAllowed("Ask a buyer or your company's administrator.")


def may_see_order(order, customer_id: str, company_id: str | None) -> bool:
    """One's own orders, and for a company's representatives every order of their company."""
    return order.owner_id == customer_id or (company_id is not None and order.company_id == company_id)
