"""The texts of the accounts mails: welcome, password reset (mail and SMS), invitation."""

ACCOUNT_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "welcome": {
        "en": (
            "Welcome to Sportello",
            "Hello {first_name},\n\n"
            "welcome to Sportello: your customer account is ready.\n"
            "Your customer number is {customer_number}; please quote it when you contact us.\n\n"
            "{signature}\n",
        ),
        "it": (
            "Benvenuto su Sportello",
            "Ciao {first_name},\n\n"
            "benvenuto su Sportello: il tuo account cliente è pronto.\n"
            "Il tuo numero cliente è {customer_number}; indicalo quando ci contatti.\n\n"
            "{signature}\n",
        ),
    },
    "welcome_business": {
        "en": (
            "Welcome to Sportello",
            "Hello {first_name},\n\n"
            "welcome to Sportello: your company account is ready, and you are its administrator.\n"
            "Your customer number is {customer_number}; please quote it when you contact us.\n"
            "From your customer area you can invite colleagues to represent your company.\n\n"
            "{signature}\n",
        ),
        "it": (
            "Benvenuto su Sportello",
            "Ciao {first_name},\n\n"
            "benvenuto su Sportello: l'account della tua azienda è pronto e tu ne sei l'amministratore.\n"
            "Il tuo numero cliente è {customer_number}; indicalo quando ci contatti.\n"
            "Dalla tua area clienti puoi invitare i colleghi a rappresentare l'azienda.\n\n"
            "{signature}\n",
        ),
    },
    "password_reset": {
        "en": (
            "Reset your Sportello password",
            "Hello {first_name},\n\n"
            "we received a request to reset the password of your Sportello account.\n"
            "To choose a new password, open this link:\n\n"
            "{reset_url}\n\n"
            "The link expires on {expires_at}.\n"
            "If you did not ask for this, ignore this message: your password stays as it is.\n\n"
            "{signature}\n",
        ),
        "it": (
            "Reimposta la password di Sportello",
            "Ciao {first_name},\n\n"
            "abbiamo ricevuto una richiesta di reimpostare la password del tuo account Sportello.\n"
            "Per scegliere una nuova password apri questo link:\n\n"
            "{reset_url}\n\n"
            "Il link scade il {expires_at}.\n"
            "Se non l'hai chiesto tu, ignora questo messaggio: la tua password resta invariata.\n\n"
            "{signature}\n",
        ),
    },
    # An SMS is one short line: the link first, so that no phone cuts it off.
    "password_reset_sms": {
        "en": (
            "Reset your Sportello password",
            "Sportello: reset your password at {reset_url} (valid until {expires_at}). "
            "Did not ask? Ignore this SMS.",
        ),
        "it": (
            "Reimposta la password di Sportello",
            "Sportello: reimposta la password su {reset_url} (valido fino al {expires_at}). "
            "Non l'hai chiesto tu? Ignora questo SMS.",
        ),
    },
    "employee_invitation": {
        "en": (
            "Invitation to represent {company_name} on Sportello",
            "Hello,\n\n"
            "{invited_by} invited you to represent {company_name} on Sportello, with the role \"{role}\".\n"
            "To activate your access, open this link and choose a password:\n\n"
            "{activation_url}\n\n"
            "The link can be used once and expires on {expires_at}.\n"
            "If you were not expecting this invitation, ignore this message.\n\n"
            "{signature}\n",
        ),
        "it": (
            "Invito a rappresentare {company_name} su Sportello",
            "Buongiorno,\n\n"
            "{invited_by} ti ha invitato a rappresentare {company_name} su Sportello, con il ruolo \"{role}\".\n"
            "Per attivare il tuo accesso apri questo link e scegli una password:\n\n"
            "{activation_url}\n\n"
            "Il link si può usare una sola volta e scade il {expires_at}.\n"
            "Se non aspettavi questo invito, ignora questo messaggio.\n\n"
            "{signature}\n",
        ),
    },
}
