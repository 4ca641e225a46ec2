"""Builds what the returns workers use, once per container; nothing here does I/O at import time."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from nameko.extensions import DependencyProvider

from services.chassis.database import Database
from services.chassis.rpc import ServiceRpc
from services.returns.adapters import orm  # noqa: F401  (maps the domain classes to tables)
from services.returns.adapters.accounts import AccountsClient
from services.returns.adapters.orders import OrdersClient
from services.returns.adapters.storage import AttachmentStore
from services.returns.domain.policies import ReturnPolicy
from services.returns.schemas import EVENT_SCHEMAS


def returns_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)


def policy_from_config(config: dict) -> ReturnPolicy:
    """The shop's return rules from the ``RETURNS`` section of the nameko config; defaults where unset."""
    settings = config.get("RETURNS") or {}
    defaults = ReturnPolicy()
    return ReturnPolicy(
        window_days=int(settings.get("window_days", defaults.window_days)),
        review_business_hours=int(settings.get("review_business_hours", defaults.review_business_hours)),
        holidays=frozenset(date.fromisoformat(d) for d in settings.get("holidays", ())),
        timezone=settings.get("timezone", defaults.timezone),
        convenience_kinds=frozenset(settings.get("convenience_kinds", defaults.convenience_kinds)),
        refund_due_hours=int(settings.get("refund_due_hours", defaults.refund_due_hours)),
        attachment_max_bytes=int(settings.get("attachment_max_bytes", defaults.attachment_max_bytes)),
        attachment_max_count=int(settings.get("attachment_max_count", defaults.attachment_max_count)),
        **{name: int(settings.get(name, getattr(defaults, name))) for name in (
            "attachment_max_count_per_customer", "attachment_max_bytes_per_customer",
            "attachment_customer_window_hours", "attachment_max_image_pixels")},
        warehouse_address=tuple(settings.get("warehouse_address", defaults.warehouse_address)),
    )


class Policy(DependencyProvider):
    """The return rules, read from the config once (a bad holiday date fails at start-up, not per request)."""

    def setup(self) -> None:
        self.policy = policy_from_config(self.container.config)

    def get_dependency(self, worker_ctx) -> ReturnPolicy:
        return self.policy


class Attachments(DependencyProvider):
    def setup(self) -> None:
        directory = (self.container.config.get("RETURNS") or {}).get("storage_dir")
        if not directory:
            # Until the chassis config carries RETURNS.storage_dir: the var directory every process shares.
            from services.chassis.config import load_settings

            directory = load_settings().var_dir / "returns"
        self.store = AttachmentStore(Path(directory))

    def get_dependency(self, worker_ctx) -> AttachmentStore:
        return self.store


class Accounts(ServiceRpc):
    def __init__(self):
        super().__init__("accounts")

    def get_dependency(self, worker_ctx):
        return AccountsClient(super().get_dependency(worker_ctx))


class Orders(ServiceRpc):
    def __init__(self):
        super().__init__("orders")

    def get_dependency(self, worker_ctx):
        return OrdersClient(super().get_dependency(worker_ctx))
