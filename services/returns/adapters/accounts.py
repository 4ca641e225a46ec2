"""What returns asks accounts, on behalf of the caller (the signed identity travels with the call)."""
from __future__ import annotations

from services.chassis.rpc import call


class AccountsClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def contact_email(self) -> str | None:
        """Where the mails about a return go: the requester's own address, read when the RMA opens."""
        return call(self.proxy, "get_me").get("email")
