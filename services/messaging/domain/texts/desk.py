"""How a desk thread's context reads inside the desk mails ({ref}: the order or RMA number).

Neither desk mail quotes a message, nor the thread's subject (which is the
start of the customer's first message): a mailbox is read on more devices,
and kept longer, than the customer area. The link leads to where the text
is, behind a login.
"""

DESK_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "about": {
        "en": {"general": "", "order": " about order {ref}", "rma": " about return {ref}"},
        "it": {"general": "", "order": " sull'ordine {ref}", "rma": " sul reso {ref}"},
        "de": {"general": "", "order": " zur Bestellung {ref}", "rma": " zur Rücksendung {ref}"},
        "pl": {"general": "", "order": " dotyczącą zamówienia {ref}", "rma": " dotyczącą zwrotu {ref}"},
        "uk": {"general": "", "order": " щодо замовлення {ref}", "rma": " щодо повернення {ref}"},
    },
    "context": {
        "en": {"general": "general question", "order": "order {ref}", "rma": "return {ref}"},
        "it": {"general": "domanda generale", "order": "ordine {ref}", "rma": "reso {ref}"},
        "de": {"general": "allgemeine Frage", "order": "Bestellung {ref}", "rma": "Rücksendung {ref}"},
        "pl": {"general": "pytanie ogólne", "order": "zamówienie {ref}", "rma": "zwrot {ref}"},
        "uk": {"general": "загальне запитання", "order": "замовлення {ref}", "rma": "повернення {ref}"},
    },
}
