"""Plain-Python helpers for domain models (no nameko, SQLAlchemy or marshmallow)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


Clock = Callable[[], datetime]


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened, recorded by an aggregate, published via the outbox."""

    type: str
    data: dict[str, Any]
    occurred_at: datetime | None = None


class RecordsEvents:
    """Mixin for aggregates: ``record`` an event; the unit of work drains them on commit.

    The list lives in the instance ``__dict__`` and is created lazily, because
    the ORM builds loaded objects without calling ``__init__``.
    """

    def record(self, type: str, occurred_at: datetime | None = None, **data: Any) -> None:
        self.__dict__.setdefault("_recorded_events", []).append(DomainEvent(type, data, occurred_at))

    def drain_events(self) -> list[DomainEvent]:
        return self.__dict__.pop("_recorded_events", [])
