from services.chassis.service import ServiceBase
from services.returns.dependencies import returns_database


class ReturnsService(ServiceBase):
    name = "returns"

    db = returns_database()
