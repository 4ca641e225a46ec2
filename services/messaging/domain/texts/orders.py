"""The texts of the order and quote mails.

No mail repeats what the customer wrote (a quote request's message stays in
the shop); each carries the facts the customer needs and a link to the
customer area, where the rest is.
"""

ORDER_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "payment_method": {
        "en": {"bank_transfer": "bank transfer", "cash_on_delivery": "cash on delivery"},
        "it": {"bank_transfer": "bonifico bancario", "cash_on_delivery": "contrassegno"},
    },
}

LINE_TEXTS: dict[str, dict[str, str]] = {
    "order_line": {
        "en": "  {quantity} x {name} ({reference}), {unit_price} each",
        "it": "  {quantity} x {name} ({reference}), {unit_price} cad.",
    },
    "quote_line": {
        "en": "  {quantity} x {name}",
        "it": "  {quantity} x {name}",
    },
}

ORDER_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "order_confirmation": {
        "en": (
            "Your order {order_number}",
            "Hello,\n\n"
            "thank you for your order {order_number}. We have received it:\n\n"
            "{lines}\n\n"
            "Total: {total}\n"
            "Payment: {payment_method}\n\n"
            "We will write again when it ships. Your order, ready to print, is in your customer area:\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Il tuo ordine {order_number}",
            "Buongiorno,\n\n"
            "grazie per il tuo ordine {order_number}. Lo abbiamo ricevuto:\n\n"
            "{lines}\n\n"
            "Totale: {total}\n"
            "Pagamento: {payment_method}\n\n"
            "Ti scriveremo di nuovo alla spedizione. L'ordine, pronto da stampare, è nella tua area clienti:\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
    },
    "order_shipped": {
        "en": (
            "Your order {order_number} has shipped",
            "Hello,\n\n"
            "your order {order_number} is on its way.\n"
            "Carrier: {carrier}\n"
            "Tracking number: {tracking_number}\n\n"
            "Details in your customer area: {order_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Il tuo ordine {order_number} è stato spedito",
            "Buongiorno,\n\n"
            "il tuo ordine {order_number} è in viaggio.\n"
            "Corriere: {carrier}\n"
            "Numero di tracciamento: {tracking_number}\n\n"
            "I dettagli sono nella tua area clienti: {order_url}\n\n"
            "{signature}\n",
        ),
    },
    "order_delivered": {
        "en": (
            "Your order {order_number} has been delivered",
            "Hello,\n\n"
            "your order {order_number} has been delivered.\n"
            "Something not right? You can return goods within 14 days of delivery from your customer area:\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Il tuo ordine {order_number} è stato consegnato",
            "Buongiorno,\n\n"
            "il tuo ordine {order_number} è stato consegnato.\n"
            "Qualcosa non va? Puoi chiedere un reso entro 14 giorni dalla consegna dalla tua area clienti:\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
    },
    "order_cancelled": {
        "en": (
            "Your order {order_number} has been cancelled",
            "Hello,\n\n"
            "your order {order_number} has been cancelled.\n"
            "If you have questions, write to us from the order's page in your customer area:\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Il tuo ordine {order_number} è stato annullato",
            "Buongiorno,\n\n"
            "il tuo ordine {order_number} è stato annullato.\n"
            "Per qualsiasi domanda scrivici dalla pagina dell'ordine nella tua area clienti:\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
    },
    "order_paid": {
        "en": (
            "Payment received for order {order_number}",
            "Hello,\n\n"
            "we have received your payment of {amount} for order {order_number}. Thank you.\n\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Pagamento ricevuto per l'ordine {order_number}",
            "Buongiorno,\n\n"
            "abbiamo ricevuto il tuo pagamento di {amount} per l'ordine {order_number}. Grazie.\n\n"
            "{order_url}\n\n"
            "{signature}\n",
        ),
    },
    "quote_requested": {
        "en": (
            "We received your quote request {quote_number}",
            "Hello,\n\n"
            "we have received your quote request {quote_number} for:\n\n"
            "{lines}\n\n"
            "We will write as soon as the price is ready. You can follow it under \"my quotes\":\n"
            "{quotes_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Abbiamo ricevuto la tua richiesta di preventivo {quote_number}",
            "Buongiorno,\n\n"
            "abbiamo ricevuto la tua richiesta di preventivo {quote_number} per:\n\n"
            "{lines}\n\n"
            "Ti scriveremo appena il prezzo sarà pronto. Puoi seguirla in \"i miei preventivi\":\n"
            "{quotes_url}\n\n"
            "{signature}\n",
        ),
    },
    "quote_ready": {
        "en": (
            "Your quote {quote_number} is ready",
            "Hello,\n\n"
            "your quote {quote_number} is ready: {total} in total, valid until {valid_until}.\n"
            "To accept it and buy, open your quotes in the customer area:\n"
            "{quotes_url}\n\n"
            "{signature}\n",
        ),
        "it": (
            "Il tuo preventivo {quote_number} è pronto",
            "Buongiorno,\n\n"
            "il tuo preventivo {quote_number} è pronto: {total} in totale, valido fino al {valid_until}.\n"
            "Per accettarlo e acquistare apri i tuoi preventivi nell'area clienti:\n"
            "{quotes_url}\n\n"
            "{signature}\n",
        ),
    },
}
