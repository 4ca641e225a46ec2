import json

from sqlalchemy import select

from services.chassis.database import make_engine
from services.chassis.tables import outbox_messages


def outbox_events(config, service: str, event_type: str) -> list[dict]:
    """The events a service committed to its outbox (what it publishes), oldest first."""
    engine = make_engine(config["DATABASE_URLS"][service])
    with engine.connect() as conn:
        rows = conn.execute(select(outbox_messages.c.payload).where(outbox_messages.c.event_type == event_type)
                            .order_by(outbox_messages.c.created_at)).scalars().all()
    engine.dispose()
    return [json.loads(row) for row in rows]
