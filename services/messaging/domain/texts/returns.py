"""The texts of the return (RMA) mails: each says where the return stands and what the customer does next.

Staff's message of a review and the warehouse's note are written for the
customer (they show on the return's page too), so they are quoted; nothing
the customer wrote is. {note} and {description} are labels that read as
nothing when there is no text.
"""

RETURN_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "rma_note": {
        "en": {"none": "", "given": "\n\nOur note: {ref}"},
        "it": {"none": "", "given": "\n\nLa nostra nota: {ref}"},
    },
    "rma_offer_description": {
        "en": {"none": "", "given": " ({ref})"},
        "it": {"none": "", "given": " ({ref})"},
    },
    "rma_offer_kind": {
        "en": {"discount": "a discount of", "voucher": "a voucher worth", "other": "an amount of"},
        "it": {"discount": "uno sconto di", "voucher": "un buono del valore di", "other": "un importo di"},
    },
    "rma_shipping": {
        "en": {"prepaid": "The return label is prepaid: the shipping is on us.",
               "at_your_cost": "A return for convenience travels at your cost: the label gives our address, "
                               "the carrier is paid by you."},
        "it": {"prepaid": "L'etichetta di reso è prepagata: la spedizione è a carico nostro.",
               "at_your_cost": "Un reso per ripensamento viaggia a tuo carico: l'etichetta riporta il nostro "
                               "indirizzo, il corriere lo paghi tu."},
    },
    "rma_outcome": {
        "en": {"rejected": ": it was not approved", "resolved": ": it has been resolved",
               "returned_to_customer": ": the goods have been sent back to you", "other": ""},
        "it": {"rejected": ": non è stato approvato", "resolved": ": è stato risolto",
               "returned_to_customer": ": la merce ti è stata rispedita", "other": ""},
    },
}

RETURN_LINE_TEXTS: dict[str, dict[str, str]] = {
    "rma_line": {
        "en": "  {quantity} x {name} ({reference})",
        "it": "  {quantity} x {name} ({reference})",
    },
}

_EN_PAGE = "The return's page in your customer area:\n{rma_url}\n\n{signature}\n"
_IT_PAGE = "La pagina del reso nella tua area clienti:\n{rma_url}\n\n{signature}\n"

RETURN_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "rma_created": {
        "en": ("We received your return request {rma_number}",
               "Hello,\n\n"
               "we have received your return request {rma_number} for order {order_number}:\n\n"
               "{lines}\n\n"
               "We will review it by {review_deadline} and write to you with the outcome. Until then there is "
               "nothing to do: please do not send the goods yet. You can add photos or write to us from "
               "the return's page.\n\n" + _EN_PAGE),
        "it": ("Abbiamo ricevuto la tua richiesta di reso {rma_number}",
               "Buongiorno,\n\n"
               "abbiamo ricevuto la tua richiesta di reso {rma_number} per l'ordine {order_number}:\n\n"
               "{lines}\n\n"
               "La esamineremo entro il {review_deadline} e ti scriveremo l'esito. Fino ad allora non devi fare "
               "nulla: non spedire ancora la merce. Puoi aggiungere foto o scriverci dalla pagina del reso.\n\n"
               + _IT_PAGE),
    },
    "rma_approved": {
        "en": ("Your return {rma_number} has been approved",
               "Hello,\n\n"
               "your return {rma_number} has been approved.{note}\n\n"
               "What to do next:\n"
               "  1. Print the return label from the return's page and stick it on the parcel.\n"
               "  2. Pack the goods you are returning, with their accessories.\n"
               "  3. Hand the parcel to the carrier, then enter the carrier and the tracking number on the "
               "return's page.\n\n"
               "{shipping}\n\n" + _EN_PAGE),
        "it": ("Il tuo reso {rma_number} è stato approvato",
               "Buongiorno,\n\n"
               "il tuo reso {rma_number} è stato approvato.{note}\n\n"
               "Cosa fare adesso:\n"
               "  1. Stampa l'etichetta di reso dalla pagina del reso e applicala sul pacco.\n"
               "  2. Imballa la merce che restituisci, con i suoi accessori.\n"
               "  3. Consegna il pacco al corriere, poi indica il corriere e il numero di tracciamento nella "
               "pagina del reso.\n\n"
               "{shipping}\n\n" + _IT_PAGE),
    },
    "rma_info_requested": {
        "en": ("We need more information about your return {rma_number}",
               "Hello,\n\n"
               "to review your return {rma_number} we need more information from you.{note}\n\n"
               "What to do next: open the return's page, add the details (and photos, if we asked for them) "
               "and send them. We review your return again as soon as they arrive.\n\n" + _EN_PAGE),
        "it": ("Ci servono altre informazioni sul tuo reso {rma_number}",
               "Buongiorno,\n\n"
               "per esaminare il tuo reso {rma_number} ci servono altre informazioni.{note}\n\n"
               "Cosa fare adesso: apri la pagina del reso, aggiungi i dettagli (e le foto, se le abbiamo chieste) "
               "e inviali. Esamineremo di nuovo il reso appena arrivano.\n\n" + _IT_PAGE),
    },
    "rma_rejected": {
        "en": ("Your return {rma_number} was not approved",
               "Hello,\n\n"
               "we are sorry: your return {rma_number} was not approved.{note}\n\n"
               "Please do not send the goods. If you have questions, write to us from the return's page.\n\n"
               + _EN_PAGE),
        "it": ("Il tuo reso {rma_number} non è stato approvato",
               "Buongiorno,\n\n"
               "ci dispiace: il tuo reso {rma_number} non è stato approvato.{note}\n\n"
               "Non spedire la merce. Per qualsiasi domanda scrivici dalla pagina del reso.\n\n" + _IT_PAGE),
    },
    "rma_offered": {
        "en": ("An offer for your return {rma_number}",
               "Hello,\n\n"
               "instead of the return {rma_number}, we would like to offer you {offer_kind} {amount}"
               "{description}.{note}\n\n"
               "What to do next: accept or decline the offer on the return's page. If you decline it, we "
               "review your return again.\n\n" + _EN_PAGE),
        "it": ("Una proposta per il tuo reso {rma_number}",
               "Buongiorno,\n\n"
               "al posto del reso {rma_number} vorremmo proporti {offer_kind} {amount}{description}.{note}\n\n"
               "Cosa fare adesso: accetta o rifiuta la proposta nella pagina del reso. Se la rifiuti, "
               "esamineremo di nuovo il reso.\n\n" + _IT_PAGE),
    },
    "rma_accepted": {
        "en": ("The goods of your return {rma_number} have been accepted",
               "Hello,\n\n"
               "our warehouse has received and checked the goods of your return {rma_number}, and accepted "
               "them.{note}\n\n"
               "There is nothing more to do: we will write as soon as your refund or replacement is on its "
               "way.\n\n" + _EN_PAGE),
        "it": ("La merce del tuo reso {rma_number} è stata accettata",
               "Buongiorno,\n\n"
               "il nostro magazzino ha ricevuto e controllato la merce del tuo reso {rma_number} e l'ha "
               "accettata.{note}\n\n"
               "Non devi fare altro: ti scriveremo appena il rimborso o la sostituzione sarà in arrivo.\n\n"
               + _IT_PAGE),
    },
    "rma_refused": {
        "en": ("The goods of your return {rma_number} could not be accepted",
               "Hello,\n\n"
               "our warehouse has received and checked the goods of your return {rma_number}, but could not "
               "accept them.{note}\n\n"
               "We will send them back to the return address you gave and write with the tracking number. "
               "If you have questions, write to us from the return's page.\n\n" + _EN_PAGE),
        "it": ("La merce del tuo reso {rma_number} non è stata accettata",
               "Buongiorno,\n\n"
               "il nostro magazzino ha ricevuto e controllato la merce del tuo reso {rma_number}, ma non ha "
               "potuto accettarla.{note}\n\n"
               "Te la rispediremo all'indirizzo di reso che ci hai dato e ti scriveremo il numero di "
               "tracciamento. Per qualsiasi domanda scrivici dalla pagina del reso.\n\n" + _IT_PAGE),
    },
    "rma_refund": {
        "en": ("Your refund for return {rma_number} is on its way",
               "Hello,\n\n"
               "your refund of {amount} for return {rma_number} is on its way: it will be paid within "
               "48 hours, by {due_at}. There is nothing to do.\n\n"
               + _EN_PAGE),
        "it": ("Il rimborso del tuo reso {rma_number} è in arrivo",
               "Buongiorno,\n\n"
               "il rimborso di {amount} per il reso {rma_number} è in arrivo: sarà pagato entro 48 ore, "
               "entro il {due_at}. Non devi fare nulla.\n\n" + _IT_PAGE),
    },
    "rma_replacement": {
        "en": ("Your replacement for return {rma_number} is on its way",
               "Hello,\n\n"
               "the replacement for your return {rma_number} is on its way:\n\n"
               "{lines}\n\n"
               "It ships to the address you gave; there is nothing to do.\n\n" + _EN_PAGE),
        "it": ("La sostituzione del tuo reso {rma_number} è in arrivo",
               "Buongiorno,\n\n"
               "la sostituzione per il tuo reso {rma_number} è in arrivo:\n\n"
               "{lines}\n\n"
               "Sarà spedita all'indirizzo che ci hai dato; non devi fare nulla.\n\n" + _IT_PAGE),
    },
    "rma_closed": {
        "en": ("Your return {rma_number} is closed",
               "Hello,\n\n"
               "your return {rma_number} is now closed{outcome}.\n\n"
               "Its history stays on the return's page.\n\n" + _EN_PAGE),
        "it": ("Il tuo reso {rma_number} è chiuso",
               "Buongiorno,\n\n"
               "il tuo reso {rma_number} è ora chiuso{outcome}.\n\n"
               "La sua cronologia resta nella pagina del reso.\n\n" + _IT_PAGE),
    },
}
