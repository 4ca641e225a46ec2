"""Notifications waiting to be delivered to a person (e-mail now, SMS later)."""
from __future__ import annotations

import uuid
from datetime import datetime


class Notification:
    def __init__(self, kind: str, channel: str, recipient: str, source_event_id: str, created_at: datetime,
                 data: str = "{}"):
        self.id = str(uuid.uuid4())
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.source_event_id = source_event_id
        self.data = data
        self.status = "pending"
        self.created_at = created_at

    @classmethod
    def welcome(cls, event: dict, now: datetime) -> "Notification":
        return cls("welcome", "email", event["email"], str(event["event_id"]), now)
