"""The words of the order and quote mails: payment methods and item lines.

No mail repeats what the customer wrote (a quote request's message stays in
the shop); each carries the facts the customer needs and a link to the
customer area, where the rest is.
"""

ORDER_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "payment_method": {
        "en": {"bank_transfer": "bank transfer", "cash_on_delivery": "cash on delivery"},
        "it": {"bank_transfer": "bonifico bancario", "cash_on_delivery": "contrassegno"},
        "de": {"bank_transfer": "Banküberweisung", "cash_on_delivery": "Nachnahme"},
        "pl": {"bank_transfer": "przelew bankowy", "cash_on_delivery": "płatność przy odbiorze"},
        "uk": {"bank_transfer": "банківський переказ", "cash_on_delivery": "накладений платіж"},
    },
}

LINE_TEXTS: dict[str, dict[str, str]] = {
    "order_line": {
        "en": "  {quantity} x {name} ({reference}), {unit_price} each",
        "it": "  {quantity} x {name} ({reference}), {unit_price} cad.",
        "de": "  {quantity} x {name} ({reference}), je {unit_price}",
        "pl": "  {quantity} x {name} ({reference}), {unit_price} za szt.",
        "uk": "  {quantity} x {name} ({reference}), {unit_price} за шт.",
    },
    "quote_line": {
        "en": "  {quantity} x {name}",
        "it": "  {quantity} x {name}",
        "de": "  {quantity} x {name}",
        "pl": "  {quantity} x {name}",
        "uk": "  {quantity} x {name}",
    },
}
