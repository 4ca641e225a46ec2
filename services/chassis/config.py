"""Settings from the environment, with safe local defaults.

Every process (service, gateway, CLI, tests) reads the same names, so one
``export`` changes all of them. Nothing here opens a connection.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("accounts", "catalog", "orders", "returns", "messaging")

# Where each runnable lives; imported by name so that the chassis never
# imports service code statically (the import-linter contract).
SERVICE_CLASSES = {
    "accounts": "services.accounts.service:AccountsService",
    "catalog": "services.catalog.service:CatalogService",
    "orders": "services.orders.service:OrdersService",
    "returns": "services.returns.service:ReturnsService",
    "messaging": "services.messaging.service:MessagingService",
    "gateway": "gateway.service:GatewayService",
}

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    var_dir: Path
    gateway_address: str
    rpc_timeout: float
    health_timeout: float
    max_body_bytes: int
    max_workers: int
    log_level: str
    # Seconds between a failed event handler's tries, then its dead-letter queue.
    event_retry_delays: tuple[float, ...] = (1, 5, 30, 120, 600)
    # Days a published outbox row, and an inbox row, are kept (0: for ever); see chassis/retention.py.
    outbox_keep_days: float = 7
    inbox_keep_days: float = 30
    # Hours a service keeps the answer to a request sent with an Idempotency-Key (chassis/idempotency.py).
    idempotency_ttl_hours: float = 24
    public_base_url: str = ""
    identity_secret: str = ""
    # Seconds a caller identity's signature may be ahead of a service's clock, or past its max age
    # (the gateway's and the services' clocks never agree exactly; see chassis/auth.py).
    identity_clock_skew: float = 30.0
    # "development" (the default) or "production", where unsafe settings stop every process
    # (services/chassis/production.py).
    environment: str = "development"
    b2b_require_resale_declaration: bool = False
    # Browser origins (scheme://host[:port]) that may call the API cross-origin; none by default.
    cors_origins: tuple[str, ...] = ()
    # Reverse proxies in front of the gateway (addresses or CIDR networks) whose X-Forwarded-For
    # names the client; none by default (the header is then ignored).
    trusted_proxies: tuple[str, ...] = ()
    # The gateway's defence against slow clients (gateway/connections.py): seconds a client has to
    # send a whole request head and the longest pause in any read or write; seconds an idle
    # keep-alive connection stays open; connections held at once.
    client_timeout: float = 30.0
    keepalive_timeout: float = 75.0
    max_connections: int = 1000
    # Processes of every service that `sportello run` starts (`make run-cluster`: 2); the gateway
    # stays one. Containers scale with their orchestrator's replicas instead.
    instances: int = 1
    # The type of every durable queue Sportello declares: "classic" (one node) or "quorum" (a
    # cluster: replicated, with a delivery limit and dead-lettering set by policy, docs/reliability.md).
    queue_type: str = "classic"
    # Seconds a publish (connect, send, the broker's confirm) may take in the outbox relay and the
    # retry path before it counts as failed and is tried again: a black-holed socket never answers.
    publish_confirm_timeout: float = 10.0
    database_urls: dict[str, str] = field(default_factory=dict)
    # Bounded waits on PostgreSQL, in seconds, keyed by the fields of DatabaseBounds (lock and statement
    # timeouts, connect and pool waits, TCP keepalives, tcp_user_timeout); services/chassis/database_bounds.py
    # says why each default sits below the RPC timeout.
    postgresql: dict = field(default_factory=dict)
    # The broker's management API, for the operator's commands that create users (`sportello broker`,
    # `sportello run`); empty: http://<AMQP_URI's host>:15672.
    rabbitmq_management_url: str = ""
    # Outgoing mail (messaging). Without SMTP_HOST, mail is written as .eml
    # files under <var>/mail/ so that a local run needs no mail server.
    mail_transport: str = "file"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    mail_from: str = "Sportello <no-reply@sportello.local>"
    # The message desk (messaging): the staff inbox that hears of customer
    # messages, the language of those mails, the longest message a customer may send.
    staff_email: str = "desk@sportello.local"
    staff_language: str = "en"
    message_max_chars: int = 10_000
    # Returns (RMA): the shop's return rules and where attachments live.
    return_window_days: int = 14
    return_review_business_hours: int = 24
    return_holidays: tuple[str, ...] = ()
    return_timezone: str = "Europe/Rome"
    return_convenience_kinds: tuple[str, ...] = ("private",)
    return_attachment_max_bytes: int = 5 * 1024 * 1024
    return_attachment_max_count: int = 10
    # Per customer over all their returns within 24 hours, and the largest image (in pixels) accepted.
    return_attachment_max_count_per_customer: int = 30
    return_attachment_max_bytes_per_customer: int = 50 * 1024 * 1024
    return_attachment_max_image_pixels: int = 40_000_000
    return_storage_dir: str = ""
    return_warehouse_address: tuple[str, ...] = ("Sportello Returns", "Via dell'Industria 10", "20141 Milano MI",
                                                 "Italy")

    def database_url(self, service: str) -> str:
        return self.database_urls[service]

    @property
    def gateway_url(self) -> str:
        host, _, port = self.gateway_address.rpartition(":")
        return f"http://{host or '127.0.0.1'}:{port}"


def trusted_networks(value: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR networks, checked now so that a typo stops the start."""
    networks = tuple(n.strip() for n in value.split(",") if n.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ValueError(f"SPORTELLO_TRUSTED_PROXIES: {exc}") from None
    return networks


ENVIRONMENTS = ("development", "production")
# An HMAC key shorter than this is guessable offline from one signed identity.
MIN_IDENTITY_SECRET_LENGTH = 32


def explicit_identity_secret(value: str) -> str:
    if value and len(value) < MIN_IDENTITY_SECRET_LENGTH:
        raise ValueError(f"SPORTELLO_IDENTITY_SECRET must have at least {MIN_IDENTITY_SECRET_LENGTH} characters "
                         f"(it has {len(value)}); make one with: python3 -c 'import secrets; "
                         "print(secrets.token_urlsafe(48))'")
    return value


def environment_name(value: str) -> str:
    if value not in ENVIRONMENTS:
        raise ValueError(f"SPORTELLO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {value!r}")
    return value


QUEUE_TYPES = ("classic", "quorum")


def queue_type_name(value: str) -> str:
    if value not in QUEUE_TYPES:
        raise ValueError(f"SPORTELLO_QUEUE_TYPE must be one of {', '.join(QUEUE_TYPES)}, not {value!r}")
    return value


def at_least(name: str, value: str, minimum: float, kind=float):
    """A number setting, checked now so that a typo stops the start with the setting's name."""
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum:g}, not {value}")
    return number


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings; ``environ`` defaults to the process environment."""
    env = os.environ if environ is None else environ

    def get(name: str, default: str) -> str:
        value = env.get(name, "").strip()
        return value or default

    var_dir = Path(get("SPORTELLO_VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
    database_urls = {
        service: get(f"{service.upper()}_DATABASE_URL", f"sqlite:///{var_dir / (service + '.sqlite3')}")
        for service in SERVICES
    }
    return Settings(
        amqp_uri=get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"),
        var_dir=var_dir,
        gateway_address=get("GATEWAY_ADDRESS", "127.0.0.1:8000"),
        rpc_timeout=float(get("SPORTELLO_RPC_TIMEOUT", "10")),
        health_timeout=float(get("SPORTELLO_HEALTH_TIMEOUT", "2")),
        max_body_bytes=int(get("SPORTELLO_MAX_BODY_BYTES", str(1024 * 1024))),
        max_workers=int(get("SPORTELLO_MAX_WORKERS", "10")),
        log_level=get("SPORTELLO_LOG_LEVEL", "INFO"),
        event_retry_delays=tuple(float(d) for d in get("SPORTELLO_EVENT_RETRY_DELAYS", "1,5,30,120,600").split(",")
                                 if d.strip()),
        outbox_keep_days=float(get("SPORTELLO_OUTBOX_KEEP_DAYS", "7")),
        inbox_keep_days=float(get("SPORTELLO_INBOX_KEEP_DAYS", "30")),
        idempotency_ttl_hours=at_least("SPORTELLO_IDEMPOTENCY_TTL_HOURS", get("SPORTELLO_IDEMPOTENCY_TTL_HOURS", "24"),
                                       0.01),
        public_base_url=get("SPORTELLO_PUBLIC_BASE_URL", ""),
        identity_secret=explicit_identity_secret(get("SPORTELLO_IDENTITY_SECRET", "")),
        identity_clock_skew=at_least("SPORTELLO_IDENTITY_CLOCK_SKEW", get("SPORTELLO_IDENTITY_CLOCK_SKEW", "30"), 0),
        environment=environment_name(get("SPORTELLO_ENV", "development").lower()),
        b2b_require_resale_declaration=get("SPORTELLO_REQUIRE_RESALE_DECLARATION", "false").lower() in ("1", "true", "yes"),
        cors_origins=tuple(o.strip().rstrip("/") for o in get("SPORTELLO_CORS_ORIGINS", "").split(",") if o.strip()),
        trusted_proxies=trusted_networks(get("SPORTELLO_TRUSTED_PROXIES", "")),
        client_timeout=at_least("SPORTELLO_CLIENT_TIMEOUT", get("SPORTELLO_CLIENT_TIMEOUT", "30"), 0.1),
        keepalive_timeout=at_least("SPORTELLO_KEEPALIVE_TIMEOUT", get("SPORTELLO_KEEPALIVE_TIMEOUT", "75"), 0.1),
        max_connections=at_least("SPORTELLO_MAX_CONNECTIONS", get("SPORTELLO_MAX_CONNECTIONS", "1000"), 10, int),
        instances=at_least("SPORTELLO_INSTANCES", get("SPORTELLO_INSTANCES", "1"), 1, int),
        queue_type=queue_type_name(get("SPORTELLO_QUEUE_TYPE", "classic").lower()),
        publish_confirm_timeout=at_least("SPORTELLO_PUBLISH_CONFIRM_TIMEOUT",
                                         get("SPORTELLO_PUBLISH_CONFIRM_TIMEOUT", "10"), 0.1),
        database_urls=database_urls,
        postgresql={
            "statement_timeout": at_least("SPORTELLO_PG_STATEMENT_TIMEOUT", get("SPORTELLO_PG_STATEMENT_TIMEOUT", "8"), 0),
            "lock_timeout": at_least("SPORTELLO_PG_LOCK_TIMEOUT", get("SPORTELLO_PG_LOCK_TIMEOUT", "5"), 0),
            "connect_timeout": at_least("SPORTELLO_PG_CONNECT_TIMEOUT", get("SPORTELLO_PG_CONNECT_TIMEOUT", "3"), 0),
            "pool_timeout": at_least("SPORTELLO_PG_POOL_TIMEOUT", get("SPORTELLO_PG_POOL_TIMEOUT", "5"), 0.1),
            "keepalives_idle": at_least("SPORTELLO_PG_KEEPALIVES_IDLE", get("SPORTELLO_PG_KEEPALIVES_IDLE", "5"), 1),
            "keepalives_interval": at_least("SPORTELLO_PG_KEEPALIVES_INTERVAL",
                                            get("SPORTELLO_PG_KEEPALIVES_INTERVAL", "2"), 1),
            "keepalives_count": at_least("SPORTELLO_PG_KEEPALIVES_COUNT", get("SPORTELLO_PG_KEEPALIVES_COUNT", "2"), 1,
                                         int),
            "tcp_user_timeout": at_least("SPORTELLO_PG_TCP_USER_TIMEOUT", get("SPORTELLO_PG_TCP_USER_TIMEOUT", "9"), 0),
        },
        rabbitmq_management_url=get("RABBITMQ_MANAGEMENT_URL", ""),
        mail_transport=get("MAIL_TRANSPORT", "smtp" if get("SMTP_HOST", "") else "file"),
        smtp_host=get("SMTP_HOST", ""),
        smtp_port=int(get("SMTP_PORT", "25")),
        smtp_username=get("SMTP_USERNAME", ""),
        smtp_password=get("SMTP_PASSWORD", ""),
        smtp_starttls=get("SMTP_STARTTLS", "false").lower() in ("1", "true", "yes", "on"),
        mail_from=get("MAIL_FROM", "Sportello <no-reply@sportello.local>"),
        staff_email=get("SPORTELLO_STAFF_EMAIL", "desk@sportello.local"),
        staff_language=get("SPORTELLO_STAFF_LANGUAGE", "en"),
        message_max_chars=int(get("SPORTELLO_MESSAGE_MAX_CHARS", "10000")),
        return_window_days=int(get("RETURN_WINDOW_DAYS", "14")),
        return_review_business_hours=int(get("RETURN_REVIEW_BUSINESS_HOURS", "24")),
        return_holidays=tuple(d.strip() for d in get("RETURN_HOLIDAYS", "").split(",") if d.strip()),
        return_timezone=get("RETURN_TIMEZONE", "Europe/Rome"),
        return_convenience_kinds=tuple(k.strip() for k in get("RETURN_CONVENIENCE_KINDS", "private").split(",")
                                       if k.strip()),
        return_attachment_max_bytes=int(get("RETURN_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024))),
        return_attachment_max_count=int(get("RETURN_ATTACHMENT_MAX_COUNT", "10")),
        return_attachment_max_count_per_customer=int(get("RETURN_ATTACHMENT_MAX_COUNT_PER_CUSTOMER", "30")),
        return_attachment_max_bytes_per_customer=int(get("RETURN_ATTACHMENT_MAX_BYTES_PER_CUSTOMER",
                                                         str(50 * 1024 * 1024))),
        return_attachment_max_image_pixels=int(get("RETURN_ATTACHMENT_MAX_IMAGE_PIXELS", "40000000")),
        return_storage_dir=get("RETURN_STORAGE_DIR", str(var_dir / "returns")),
        return_warehouse_address=tuple(part.strip() for part in get(
            "RETURN_WAREHOUSE_ADDRESS", "Sportello Returns|Via dell'Industria 10|20141 Milano MI|Italy").split("|")),
    )


def identity_secret(settings: Settings) -> str:
    """The key that signs caller identities between the gateway and the services.

    From SPORTELLO_IDENTITY_SECRET when set (docker-compose, Kubernetes);
    otherwise a random key made once per installation in the var directory,
    so that local processes agree on it and no key lives in the repository.
    """
    if settings.identity_secret:
        return settings.identity_secret
    return secret_file(settings.var_dir / "identity-secret")


def secret_file(path: Path, nbytes: int = 48) -> str:
    """The random secret kept in ``path`` (mode 0600), made on first use (local runs only)."""
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: when several
    # processes start at once exactly one key wins and nobody reads half of it.
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(nbytes))
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(candidate)
    return path.read_text().strip()


def failover_uris(amqp_uri: str) -> list[str]:
    """Each node's URI of a (possibly failover, ';'-separated) AMQP_URI, in its order."""
    return [part.strip() for part in amqp_uri.split(";") if part.strip()]


# A nameko config key (never an environment variable): set False for every real process.
DECLARE_EVENT_EXCHANGES = "DECLARE_EVENT_EXCHANGES"


def declares_topology(config: dict) -> bool:
    """False where the operator declared exchanges and shared queues (every real process: its broker
    user may not configure them); True for test containers run with the operator's rights."""
    return config.get(DECLARE_EVENT_EXCHANGES) is not False


def nameko_config(settings: Settings) -> dict:
    """The nameko config dict for a container; extensions read it, not the environment."""
    return {
        "AMQP_URI": settings.amqp_uri,
        "WEB_SERVER_ADDRESS": settings.gateway_address,
        "max_workers": settings.max_workers,
        "serializer": "json",
        # Exchanges and shared queues are the operator's (`sportello declare-queues`): a process's
        # own broker user may not configure them (services/chassis/broker_identities.py).
        DECLARE_EVENT_EXCHANGES: False,
        "DATABASE_URLS": dict(settings.database_urls),
        "POSTGRESQL": dict(settings.postgresql),
        "RPC_TIMEOUT": settings.rpc_timeout,
        "IDEMPOTENCY_TTL_HOURS": settings.idempotency_ttl_hours,
        "QUEUE_TYPE": settings.queue_type,
        "PUBLISH_CONFIRM_TIMEOUT": settings.publish_confirm_timeout,
        "EVENT_RETRY_DELAYS": list(settings.event_retry_delays),
        "HEALTH_TIMEOUT": settings.health_timeout,
        "MAX_BODY_BYTES": settings.max_body_bytes,
        "CORS_ORIGINS": list(settings.cors_origins),
        "TRUSTED_PROXIES": list(settings.trusted_proxies),
        "IDENTITY_SECRET": identity_secret(settings),
        "IDENTITY_CLOCK_SKEW": settings.identity_clock_skew,
        "CLIENT_TIMEOUT": settings.client_timeout,
        "KEEPALIVE_TIMEOUT": settings.keepalive_timeout,
        "MAX_CONNECTIONS": settings.max_connections,
        "PUBLIC_BASE_URL": settings.public_base_url or settings.gateway_url,
        # The OpenAPI document's server: the public base when the operator set one, else "/" (relative to
        # where the document was fetched), never the bind address a proxy hides.
        "OPENAPI_SERVER_URL": settings.public_base_url.rstrip("/") or "/",
        "REQUIRE_RESALE_DECLARATION": settings.b2b_require_resale_declaration,
        "AUTH_CACHE_SECONDS": 1.0,
        "OUTBOX_RELAY": {"enabled": True, "poll_interval": 1.0, "batch_size": 100, "lease_seconds": 30,
                         "confirm_timeout": settings.publish_confirm_timeout},
        "RETENTION": {"outbox_sent_days": settings.outbox_keep_days, "inbox_days": settings.inbox_keep_days,
                      "interval_seconds": 3600, "batch_size": 1000},
        "MAIL": {
            "transport": settings.mail_transport,
            "smtp_host": settings.smtp_host,
            "smtp_port": settings.smtp_port,
            "smtp_username": settings.smtp_username,
            "smtp_password": settings.smtp_password,
            "smtp_starttls": settings.smtp_starttls,
            "mail_from": settings.mail_from,
            "file_dir": str(settings.var_dir / "mail"),
        },
        "SMS": {"transport": "file", "file_dir": str(settings.var_dir / "sms")},
        "STAFF_NOTIFICATIONS_EMAIL": settings.staff_email,
        "STAFF_NOTIFICATIONS_LANGUAGE": settings.staff_language,
        "MESSAGE_MAX_CHARS": settings.message_max_chars,
        "RETURNS": {
            "window_days": settings.return_window_days,
            "review_business_hours": settings.return_review_business_hours,
            "holidays": list(settings.return_holidays),
            "timezone": settings.return_timezone,
            "convenience_kinds": list(settings.return_convenience_kinds),
            "attachment_max_bytes": settings.return_attachment_max_bytes,
            "attachment_max_count": settings.return_attachment_max_count,
            "attachment_max_count_per_customer": settings.return_attachment_max_count_per_customer,
            "attachment_max_bytes_per_customer": settings.return_attachment_max_bytes_per_customer,
            "attachment_max_image_pixels": settings.return_attachment_max_image_pixels,
            "storage_dir": settings.return_storage_dir or str(settings.var_dir / "returns"),
            "warehouse_address": list(settings.return_warehouse_address),
        },
    }
