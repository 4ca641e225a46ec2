"""Production mode: ``SPORTELLO_ENV=production`` turns local conveniences into refusals (REVIEW R23).

The defaults make ``make run`` work on a laptop with nothing set: a per-machine identity key in
``var/``, RabbitMQ's guest user, http links to the gateway, a demo staff_admin whose password is
printed in the README. Each is a hole on a real installation, so every command that starts
processes (``sportello serve``, ``sportello run``) checks the settings first and stops, naming
each unsafe setting, before it migrates, connects or starts anything.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from services.chassis.config import MIN_IDENTITY_SECRET_LENGTH, Settings, failover_uris
from services.chassis.demo import DEMO_PASSWORD, PUBLISHED_DEMO_PASSWORD

PRODUCTION = "production"


class UnsafeSettings(ValueError):
    """Settings a production installation must not run with; the message names each one."""


def is_production(settings: Settings) -> bool:
    return settings.environment == PRODUCTION


def _broker_user(uri: str) -> str:
    # kombu logs in as guest when the URI names no user; a failover URI (';'-separated) is as weak as its weakest node.
    users = [urlsplit(part).username or "guest" for part in failover_uris(uri)] or ["guest"]
    return "guest" if "guest" in users else users[0]


def production_problems(settings: Settings, *, demo_data: bool = False) -> list[str]:
    """What is unsafe about these settings in production (nothing outside production mode)."""
    if not is_production(settings):
        return []
    problems = []
    if len(settings.identity_secret) < MIN_IDENTITY_SECRET_LENGTH:
        problems.append(f"SPORTELLO_IDENTITY_SECRET must be set, with at least {MIN_IDENTITY_SECRET_LENGTH} "
                        "characters, and be the same for every process (a key made in the var directory is "
                        "for one machine's local run)")
    if _broker_user(settings.amqp_uri) == "guest":
        problems.append("AMQP_URI logs in to RabbitMQ as guest; give each process its own broker user")
    if urlsplit(settings.public_base_url).scheme != "https":
        problems.append("SPORTELLO_PUBLIC_BASE_URL must be the shop's https address (links in mails use it); "
                        f"it is {settings.public_base_url or 'unset'}")
    if demo_data:
        problems.append("`sportello run` would load demo data: customers and a staff_admin with the published "
                        "demo password; pass --no-demo and create staff with `sportello create-staff`")
    return problems


def check_production(settings: Settings, *, demo_data: bool = False) -> None:
    """Raise :class:`UnsafeSettings` naming every unsafe setting, in production mode."""
    problems = production_problems(settings, demo_data=demo_data)
    if problems:
        raise UnsafeSettings("SPORTELLO_ENV=production refuses to start:\n" + "\n".join(f"  - {p}" for p in problems))


def demo_password_refusal(settings: Settings, password: str) -> str | None:
    """Why ``password`` may not be a staff password here (the demo's, in production), or None."""
    if is_production(settings) and password in {PUBLISHED_DEMO_PASSWORD, DEMO_PASSWORD}:
        return ("SPORTELLO_ENV=production: that is the demo password, published in the README; "
                "choose another for a staff account")
    return None
