from services.chassis.database import Database
from services.catalog.schemas import EVENT_SCHEMAS


def catalog_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)
