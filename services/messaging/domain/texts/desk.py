"""The texts of the desk's mails.

Neither mail quotes a message, nor the thread's subject (which is the start
of the customer's first message): a mailbox is read on more devices, and
kept longer, than the customer area. The link leads to where the text is,
behind a login.
"""

DESK_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "desk_reply_waiting": {
        "en": (
            "A reply from Sportello is waiting for you",
            "Hello,\n\n"
            "our customer service has answered your message{about}.\n"
            "To read the reply, log in to your customer area:\n\n"
            "{thread_url}\n\n"
            "Please do not reply to this e-mail: write to us from the customer area.\n\n"
            "{signature}\n",
        ),
        "it": (
            "Una risposta di Sportello ti aspetta",
            "Buongiorno,\n\n"
            "il nostro servizio clienti ha risposto al tuo messaggio{about}.\n"
            "Per leggere la risposta accedi alla tua area clienti:\n\n"
            "{thread_url}\n\n"
            "Non rispondere a questa e-mail: scrivici dall'area clienti.\n\n"
            "{signature}\n",
        ),
    },
    "desk_customer_wrote": {
        "en": (
            "Desk: a customer is waiting for an answer ({context})",
            "A customer wrote to the desk ({context}).\n"
            "The first answer is due by {due}.\n"
            "Further messages in this thread send no more e-mail until someone answers it.\n\n"
            "{thread_url}\n",
        ),
        "it": (
            "Sportello: un cliente attende una risposta ({context})",
            "Un cliente ha scritto allo sportello ({context}).\n"
            "La prima risposta è dovuta entro il {due}.\n"
            "Altri messaggi in questa conversazione non inviano altre e-mail finché qualcuno non risponde.\n\n"
            "{thread_url}\n",
        ),
    },
    "desk_customer_wrote_again": {
        "en": (
            "Desk: a customer wrote again ({context})",
            "A customer answered our reply ({context}) and is waiting again.\n"
            "Further messages in this thread send no more e-mail until someone answers it.\n\n"
            "{thread_url}\n",
        ),
        "it": (
            "Sportello: un cliente ha scritto di nuovo ({context})",
            "Un cliente ha risposto alla nostra risposta ({context}) e attende di nuovo.\n"
            "Altri messaggi in questa conversazione non inviano altre e-mail finché qualcuno non risponde.\n\n"
            "{thread_url}\n",
        ),
    },
}

# How a thread's context reads inside those texts ({ref}: the order or RMA number).
DESK_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "about": {
        "en": {"general": "", "order": " about order {ref}", "rma": " about return {ref}"},
        "it": {"general": "", "order": " sull'ordine {ref}", "rma": " sul reso {ref}"},
    },
    "context": {
        "en": {"general": "general question", "order": "order {ref}", "rma": "return {ref}"},
        "it": {"general": "domanda generale", "order": "ordine {ref}", "rma": "reso {ref}"},
    },
}
