"""Subject and body of every notification, per template and language.

Plain Python: fixed texts filled with ``str.format``. The values are inserted,
never interpreted, so a name like ``{first_name}`` stays a name. Links always
come from the event: accounts owns its URLs and tokens, messaging only
carries them.

English and Italian are written out. The other customer languages (de, pl,
uk) and anything unknown fall back to English until their texts are added.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str  # the language the text is really in (after any fallback)


_SIGNATURE = {
    "en": "Sportello customer service",
    "it": "Il servizio clienti di Sportello",
}

# Times are shown in UTC and say so: the events carry UTC, and a customer's
# time zone is not known to messaging.
_WHEN = {
    "en": "%Y-%m-%d %H:%M UTC",
    "it": "%d/%m/%Y alle %H:%M (UTC)",
}

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
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


def language_of(requested: str | None) -> str:
    """The language a text will be written in: the requested one if we have it, else English."""
    code = (requested or "").strip().lower()
    return code if code in _SIGNATURE else DEFAULT_LANGUAGE


def render(template: str, requested_language: str | None, **values) -> Rendered:
    """Fill one template; raises ``KeyError`` for an unknown template (a programming error)."""
    texts = TEMPLATES[template]
    language = language_of(requested_language)
    subject, body = texts.get(language) or texts[DEFAULT_LANGUAGE]
    filled = {name: _value(value, language) for name, value in values.items()}
    filled["signature"] = _SIGNATURE[language]
    return Rendered(subject.format_map(filled), body.format_map(filled), language)


def _value(value, language: str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime(_WHEN[language])
    # Every value is one line: a line break in a name or a company name would
    # otherwise end up in a mail header (the subject) or break the layout.
    return " ".join(str(value).split())
