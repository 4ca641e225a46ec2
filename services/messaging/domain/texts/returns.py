"""The words of the return (RMA) mails: notes, offers, shipping, outcomes and item lines.

Staff's message of a review and the warehouse's note are written for the
customer (they show on the return's page too), so they are quoted; nothing
the customer wrote is. {note} and {description} are labels that read as
nothing when there is no text.
"""

RETURN_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "rma_note": {
        "en": {"none": "", "given": "\n\nOur note: {ref}"},
        "it": {"none": "", "given": "\n\nLa nostra nota: {ref}"},
        "de": {"none": "", "given": "\n\nUnser Hinweis: {ref}"},
        "pl": {"none": "", "given": "\n\nNasza uwaga: {ref}"},
        "uk": {"none": "", "given": "\n\nНаша примітка: {ref}"},
    },
    "rma_offer_description": {
        lang: {"none": "", "given": " ({ref})"} for lang in ("en", "it", "de", "pl", "uk")
    },
    "rma_offer_kind": {
        "en": {"discount": "a discount of", "voucher": "a voucher worth", "other": "an amount of"},
        "it": {"discount": "uno sconto di", "voucher": "un buono del valore di", "other": "un importo di"},
        "de": {"discount": "einen Rabatt von", "voucher": "einen Gutschein im Wert von", "other": "einen Betrag von"},
        "pl": {"discount": "rabat w wysokości", "voucher": "bon o wartości", "other": "kwotę"},
        "uk": {"discount": "знижку в розмірі", "voucher": "ваучер на суму", "other": "суму"},
    },
    "rma_shipping": {
        "en": {"prepaid": "The return label is prepaid: the shipping is on us.",
               "at_your_cost": "A return for convenience travels at your cost: the label gives our address, "
                               "the carrier is paid by you."},
        "it": {"prepaid": "L'etichetta di reso è prepagata: la spedizione è a carico nostro.",
               "at_your_cost": "Un reso per ripensamento viaggia a tuo carico: l'etichetta riporta il nostro "
                               "indirizzo, il corriere lo paghi tu."},
        "de": {"prepaid": "Das Rücksendeetikett ist frankiert: Der Versand geht auf uns.",
               "at_your_cost": "Eine Rücksendung ohne Mangel erfolgt auf Ihre Kosten: Das Etikett nennt unsere "
                               "Adresse, den Versanddienstleister bezahlen Sie."},
        "pl": {"prepaid": "Etykieta zwrotna jest opłacona: koszt wysyłki pokrywamy my.",
               "at_your_cost": "Zwrot bez podania przyczyny odbywa się na Twój koszt: etykieta zawiera nasz "
                               "adres, a przewoźnikowi płacisz Ty."},
        "uk": {"prepaid": "Етикетку повернення оплачено: доставку оплачуємо ми.",
               "at_your_cost": "Повернення без дефекту здійснюється за ваш рахунок: на етикетці вказано нашу "
                               "адресу, перевізнику платите ви."},
    },
    "rma_outcome": {
        "en": {"rejected": ": it was not approved", "resolved": ": it has been resolved",
               "returned_to_customer": ": the goods have been sent back to you", "other": ""},
        "it": {"rejected": ": non è stato approvato", "resolved": ": è stato risolto",
               "returned_to_customer": ": la merce ti è stata rispedita", "other": ""},
        "de": {"rejected": ": Sie wurde nicht genehmigt", "resolved": ": Sie wurde erledigt",
               "returned_to_customer": ": Die Ware wurde an Sie zurückgesandt", "other": ""},
        "pl": {"rejected": ": nie został zaakceptowany", "resolved": ": został rozpatrzony",
               "returned_to_customer": ": towar został Ci odesłany", "other": ""},
        "uk": {"rejected": ": його не схвалено", "resolved": ": його вирішено",
               "returned_to_customer": ": товар надіслано вам назад", "other": ""},
    },
}

RETURN_LINE_TEXTS: dict[str, dict[str, str]] = {
    "rma_line": {lang: "  {quantity} x {name} ({reference})" for lang in ("en", "it", "de", "pl", "uk")},
}
