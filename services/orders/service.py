from services.chassis.service import ServiceBase
from services.orders.dependencies import orders_database


class OrdersService(ServiceBase):
    name = "orders"

    db = orders_database()
