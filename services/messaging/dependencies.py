from services.chassis.database import Database
from services.messaging.adapters import orm  # noqa: F401  (maps the domain classes to tables)
from services.messaging.schemas import EVENT_SCHEMAS


def messaging_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)
