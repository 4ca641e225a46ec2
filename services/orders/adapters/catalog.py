"""What orders asks the catalog, over bounded RPC (one batch call for a whole cart)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.chassis.rpc import call


@dataclass(frozen=True)
class CatalogItem:
    reference: str
    name: str
    price: Decimal | None  # None: sold only on quote
    currency: str
    vat_rate: Decimal
    buyable: bool


class CatalogClient:
    def __init__(self, proxy):
        self.proxy = proxy

    def products(self, codes: list[str]) -> dict[str, CatalogItem | None]:
        """Every code asked for: its item, or None when the catalog no longer sells it."""
        if not codes:
            return {}
        answer = call(self.proxy, "get_products", sorted(set(codes)))
        # The catalog matches codes without regard to case and answers with its own spelling.
        found = {
            p["code"].upper(): CatalogItem(p["code"], p["name"], Decimal(p["price"]["amount"]), p["price"]["currency"],
                                           Decimal(p["vat_rate"]), bool(p["active"]))
            for p in answer["products"]
        }
        return {code: (item if (item := found.get(code.upper())) and item.buyable else None) for code in codes}

    def service(self, service_id: str) -> CatalogItem:
        s = call(self.proxy, "get_service", service_id)
        price = s.get("price")
        return CatalogItem(s["id"], s["name"], Decimal(price["amount"]) if price else None,
                           price["currency"] if price else "EUR", Decimal(s["vat_rate"]),
                           bool(s["active"]) and s["pricing"] == "fixed")

    def validated_form(self, service_id: str, values: dict) -> dict:
        return call(self.proxy, "validate_service_form", service_id, values)["values"]
