from services.chassis.database import Database
from services.orders.schemas import EVENT_SCHEMAS


def orders_database() -> Database:
    return Database(event_schemas=EVENT_SCHEMAS)
