"""Builds what the messaging workers use; nothing here does I/O at import time."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from nameko.rpc import ServiceProxy

from services.chassis.config import load_settings
from services.chassis.database import Database
from services.chassis.rpc import RoleReplyListener, ServiceRpc, request_options
from services.chassis.throttling import ThrottleRule
from services.messaging.adapters import orm
from services.messaging.adapters.links import AccountsLinks
from services.messaging.adapters.lookups import AccountsClient, OrdersClient, ReturnsClient
from services.messaging.adapters.mail import DEFAULT_MAIL_FROM, FileMailer, SmtpMailer
from services.messaging.adapters.sms import FileSms
from services.messaging.adapters.transport import Transport
from services.messaging.delivery import NotificationSender
from services.messaging.domain.policies import BODY_MAX_CHARS, FIRST_RESPONSE_HOURS, POSTING_LIMIT
from services.messaging.schemas import EVENT_SCHEMAS

DEFAULT_STAFF_EMAIL = "desk@sportello.local"


@dataclass(frozen=True)
class MessagingSettings:
    """The settings messaging's use cases read, taken from the nameko config once per container."""

    public_base_url: str  # links in mails point into the customer area there
    staff_email: str  # the staff inbox that hears of customer messages
    staff_language: str = "en"
    max_chars: int = BODY_MAX_CHARS
    response_hours: int = FIRST_RESPONSE_HOURS  # the desk's promise (DESIGN.md); a field so tests can vary it
    # Messages a customer may post (new threads and replies, on every channel) per window.
    posting_limit: ThrottleRule = POSTING_LIMIT

    @classmethod
    def from_config(cls, config: dict) -> "MessagingSettings":
        max_chars = int(config.get("MESSAGE_MAX_CHARS") or BODY_MAX_CHARS)
        if not 1 <= max_chars <= BODY_MAX_CHARS:  # the wire contract caps bodies at BODY_MAX_CHARS
            raise ValueError(f"MESSAGE_MAX_CHARS must be between 1 and {BODY_MAX_CHARS}")
        return cls(public_base_url=config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000",
                   staff_email=config.get("STAFF_NOTIFICATIONS_EMAIL") or DEFAULT_STAFF_EMAIL,
                   staff_language=config.get("STAFF_NOTIFICATIONS_LANGUAGE") or "en",
                   max_chars=max_chars,
                   posting_limit=ThrottleRule.from_config(
                       (config.get("RATE_LIMITS") or {}).get("messages_per_customer"), POSTING_LIMIT))


class Settings(DependencyProvider):
    def setup(self) -> None:
        self.settings = MessagingSettings.from_config(self.container.config)

    def get_dependency(self, worker_ctx) -> MessagingSettings:
        return self.settings


class Accounts(ServiceRpc):
    def __init__(self):
        super().__init__("accounts")

    def get_dependency(self, worker_ctx) -> AccountsClient:
        return AccountsClient(super().get_dependency(worker_ctx))


class Orders(ServiceRpc):
    def __init__(self):
        super().__init__("orders")

    def get_dependency(self, worker_ctx) -> OrdersClient:
        return OrdersClient(super().get_dependency(worker_ctx))


class Returns(ServiceRpc):
    def __init__(self):
        super().__init__("returns")

    def get_dependency(self, worker_ctx) -> ReturnsClient:
        return ReturnsClient(super().get_dependency(worker_ctx))


class _Sending:
    """The entrypoint the sender's RPC calls are made from, as far as nameko can tell: it names each
    call after one (``messaging.send_notifications.<uuid>`` in call id stacks)."""

    method_name = "send_notifications"


class MessagingDatabase(Database):
    """The chassis :class:`Database` plus the notification sender's greenthread.

    The sender lives in this provider, not in one of its own, for two reasons:
    it must share this engine (on SQLite a process keeps to one connection,
    see ``services/chassis/database.py``), and nameko stops all dependencies
    at once, so only here can its final pass be sure to finish before the
    engine is disposed.
    """

    # For the sender's calls to accounts (the single-use links of the messages it sends). A shared
    # sub-extension: nameko binds and starts it with this provider, and it is the one reply queue
    # the service's RPC proxies use.
    reply_listener = RoleReplyListener()

    def __init__(self, event_schemas=None):
        super().__init__(event_schemas)
        self.sender: NotificationSender | None = None
        self._sender_thread = None

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        options = dict(config.get("NOTIFICATION_DELIVERY", {}))
        self.delivery_enabled = options.pop("enabled", True)
        self.sender = NotificationSender(self.sessions, transports(config), links=AccountsLinks(self._accounts),
                                         **options)
        orm.call_after_commit_with_new_notifications(self.sessions, self.sender.kick)

    def _accounts(self):
        """A proxy to accounts for the sender, which runs outside any worker: its calls carry no
        caller's identity, as ``internal_issue_link`` requires."""
        return ServiceProxy(WorkerContext(self.container, None, _Sending()), "accounts", self.reply_listener,
                            **request_options(self.container.config))

    def start(self) -> None:
        super().start()
        if self.delivery_enabled:
            self._sender_thread = self.container.spawn_managed_thread(self.sender.run)

    def stop(self) -> None:
        # Let the sender finish the batch it is sending and make its last pass,
        # then stop the relay and dispose of the engine.
        if self._sender_thread is not None:
            self.sender.stop()
            self._sender_thread.wait()
            self._sender_thread = None
        super().stop()

    def kill(self) -> None:
        if self._sender_thread is not None:
            self._sender_thread.kill()
            self._sender_thread = None
        super().kill()


def messaging_database() -> MessagingDatabase:
    return MessagingDatabase(event_schemas=EVENT_SCHEMAS)


def transports(config: dict) -> dict[str, Transport]:
    """The transport of each channel, from the ``MAIL`` and ``SMS`` sections of the nameko config."""
    return {"email": mail_transport(config.get("MAIL") or {}), "sms": sms_transport(config.get("SMS") or {})}


def mail_transport(mail: dict) -> Transport:
    kind = mail.get("transport") or "file"
    mail_from = mail.get("mail_from") or DEFAULT_MAIL_FROM
    if kind == "smtp":
        if not mail.get("smtp_host"):
            raise ValueError("MAIL transport 'smtp' needs smtp_host (SMTP_HOST)")
        return SmtpMailer(
            host=mail["smtp_host"],
            port=int(mail.get("smtp_port") or 25),
            mail_from=mail_from,
            username=mail.get("smtp_username") or None,
            password=mail.get("smtp_password") or None,
            starttls=_flag(mail.get("smtp_starttls")),
            timeout=float(mail.get("smtp_timeout") or 10),
        )
    if kind == "file":
        return FileMailer(_directory(mail, "mail"), mail_from)
    raise ValueError(f"MAIL transport must be 'smtp' or 'file', not {kind!r}")


def sms_transport(sms: dict) -> Transport:
    kind = sms.get("transport") or "file"
    if kind == "file":
        return FileSms(_directory(sms, "sms"))
    raise ValueError(f"SMS transport must be 'file', not {kind!r}")


def _directory(section: dict, name: str) -> Path:
    if section.get("file_dir"):
        return Path(section["file_dir"])
    # A config made before MAIL/SMS existed: the same var directory the settings use.
    return load_settings().var_dir / name


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
