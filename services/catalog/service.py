from services.chassis.service import ServiceBase
from services.catalog.dependencies import catalog_database


class CatalogService(ServiceBase):
    name = "catalog"

    db = catalog_database()
