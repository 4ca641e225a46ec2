"""Catalog routes: search and browse products, services and their order forms; staff edits.

Requests are validated with the catalog's own wire contract (services.catalog.schemas),
which also documents the answers in the OpenAPI document.
"""
from gateway.http import route
from services.catalog import schemas
from services.chassis.rpc import call

TAGS = ("catalog",)
STAFF_TAGS = ("staff",)


class CatalogRoutes:
    # -- products -------------------------------------------------------------------
    @route("GET", "/api/v1/catalog/products", query=schemas.SearchParams, response=schemas.SearchPage,
           summary="Search the catalog by article code, name and technical description", tags=TAGS)
    def search_products(self, request, query):
        return call(self.catalog, "search", query)

    @route("GET", "/api/v1/catalog/products/<path:code>", response=schemas.ProductDetail,
           summary="A product by its article code", tags=TAGS, problem_statuses=(404,))
    def get_product(self, request, code):
        return call(self.catalog, "get_product", code)

    @route("GET", "/api/v1/catalog/categories", query=schemas.TaxonQuery, response=schemas.TaxonCountPage,
           summary="Product categories, by name", tags=TAGS)
    def list_categories(self, request, query):
        return call(self.catalog, "list_categories", query)

    @route("GET", "/api/v1/catalog/producers", query=schemas.TaxonQuery, response=schemas.TaxonCountPage,
           summary="Producers, by name", tags=TAGS)
    def list_producers(self, request, query):
        return call(self.catalog, "list_producers", query)

    @route("GET", "/api/v1/catalog/showcases", query=schemas.TaxonQuery, response=schemas.TaxonCountPage,
           summary="Showcases, by name", tags=TAGS)
    def list_showcases(self, request, query):
        return call(self.catalog, "list_showcases", query)

    # -- services -------------------------------------------------------------------
    @route("GET", "/api/v1/catalog/service-categories", query=schemas.TaxonQuery, response=schemas.TaxonCountPage,
           summary="Categories of purchasable services, by name", tags=TAGS)
    def list_service_categories(self, request, query):
        return call(self.catalog, "list_service_categories", query)

    @route("GET", "/api/v1/catalog/services", query=schemas.ServiceFilter, response=schemas.ServiceDetailPage,
           summary="Purchasable services with their order forms", tags=TAGS)
    def list_services(self, request, query):
        return call(self.catalog, "list_services", query)

    @route("GET", "/api/v1/catalog/services/<service_id>", response=schemas.ServiceDetail,
           summary="A purchasable service with its order form", tags=TAGS,
           problem_statuses=(404, 422))  # 422: an id longer than 36 characters
    def get_service(self, request, service_id):
        return call(self.catalog, "get_service", service_id)

    # -- staff: the gateway checks the bearer token, the catalog the signed identity ---
    @route("POST", "/api/v1/staff/catalog/products", auth="staff", body=schemas.NewProduct, response=schemas.ProductDetail,
           status=201, summary="Create a product", tags=STAFF_TAGS, problem_statuses=(409,))
    def staff_create_product(self, request, body):
        return call(self.catalog, "create_product", body)

    @route("PATCH", "/api/v1/staff/catalog/products/<path:code>", auth="staff", body=schemas.ProductChanges,
           response=schemas.ProductDetail, summary="Change a product (a new price publishes product_price_changed)",
           tags=STAFF_TAGS, problem_statuses=(404,))
    def staff_update_product(self, request, code, body):
        return call(self.catalog, "update_product", code, body)

    @route("POST", "/api/v1/staff/catalog/services", auth="staff", body=schemas.NewService, response=schemas.ServiceDetail,
           status=201, summary="Create a purchasable service", tags=STAFF_TAGS)
    def staff_create_service(self, request, body):
        return call(self.catalog, "create_service", body)

    @route("PATCH", "/api/v1/staff/catalog/services/<service_id>", auth="staff", body=schemas.ServiceChanges,
           response=schemas.ServiceDetail, summary="Change a purchasable service", tags=STAFF_TAGS,
           problem_statuses=(404,))
    def staff_update_service(self, request, service_id, body):
        return call(self.catalog, "update_service", service_id, body)
