from services.chassis.database import Database
from services.returns.schemas import EVENT_SCHEMAS


def returns_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)
