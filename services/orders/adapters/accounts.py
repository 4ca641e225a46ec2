"""What orders asks accounts, on behalf of the caller (the signed identity travels with the call)."""
from __future__ import annotations

from services.chassis.rpc import call


class AccountsClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def billing(self) -> dict:
        return call(self.proxy, "get_billing") or {}

    def contact_email(self) -> str:
        return call(self.proxy, "get_me")["email"]
