"""What orders asks accounts, on behalf of the caller (the signed identity travels with the call)."""
from __future__ import annotations

from services.chassis.rpc import call


class AccountsClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def billing(self) -> dict:
        return call(self.proxy, "get_billing") or {}

    def customer_id(self, customer_number: str) -> str | None:
        """Whose customer number it is (staff callers only): None when nobody's."""
        return call(self.proxy, "staff_customer_id", customer_number)

    def contact_email(self) -> str:
        return call(self.proxy, "get_me")["email"]
