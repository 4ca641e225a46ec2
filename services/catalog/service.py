"""The catalog's RPC entrypoints: schema in, one use case, schema out.

The staff methods (create_/update_product, create_/update_service) serve the
gateway's /api/v1/staff routes and check the caller's signed identity themselves:
the gateway is not the only thing that can reach the broker.
"""
from services.catalog import schemas, usecases
from services.catalog.dependencies import catalog_database, search_reads
from services.catalog.domain.model import Category, Producer, ServiceCategory, Showcase
from services.chassis.auth import Caller
from services.chassis.clock import Clock
from services.chassis.idempotency import idempotent
from services.chassis.paging import page_of_list
from services.chassis.rpc import rpc
from services.chassis.service import ServiceBase


# Schemas are stateless once built, and building one (with its nested schemas) costs more than
# the load or dump it does: ProductDetail ~1 ms against ~0.3 ms for dumping a product. The
# busiest calls (search, product page, a cart's price lookup) reuse their instances.
SEARCH_PARAMS = schemas.SearchParams()
PRODUCT_REF = schemas.ProductRef()
PRODUCT_DETAIL = schemas.ProductDetail()
CODE_LIST = schemas.CodeList()
PRICE_LOOKUP = schemas.PriceLookup()
TAXON_QUERY = schemas.TaxonQuery()
TAXON_PAGE = schemas.TaxonCountPage()


class CatalogService(ServiceBase):
    name = "catalog"

    db = catalog_database()
    reads = search_reads()  # searches only: every other read and all writes go through db
    clock = Clock()
    caller = Caller()

    # -- products ------------------------------------------------------------------
    @rpc
    def search(self, params):
        query = SEARCH_PARAMS.load(params)
        reads = self.reads if self.reads.session is not None else self.db
        return schemas.dump_search_page(usecases.search_products(reads, query))

    @rpc
    def get_product(self, code):
        code = PRODUCT_REF.load({"code": code})["code"]
        return PRODUCT_DETAIL.dump(usecases.get_product(self.db, code))

    @rpc
    def get_products(self, codes):
        """Batch price lookup for a whole cart: found products with price and VAT, missing codes."""
        codes = CODE_LIST.load({"codes": codes})["codes"]
        return PRICE_LOOKUP.dump(usecases.look_up_prices(self.db, codes))

    @rpc
    def list_categories(self, query=None):
        return self._taxa(Category, query)

    @rpc
    def list_producers(self, query=None):
        return self._taxa(Producer, query)

    @rpc
    def list_showcases(self, query=None):
        return self._taxa(Showcase, query)

    def _taxa(self, taxon_class, query) -> dict:
        """Taxonomies are short (tens of rows, counted in one statement): paged in memory."""
        page = page_of_list(usecases.list_taxa(self.db, taxon_class), TAXON_QUERY.load(query or {}))
        return TAXON_PAGE.dump(page)

    # -- services ------------------------------------------------------------------
    @rpc
    def list_service_categories(self, query=None):
        return self._taxa(ServiceCategory, query)

    @rpc
    def list_services(self, query=None):
        query = schemas.ServiceFilter().load(query or {})
        services = usecases.list_services(self.db, query["category"])
        return schemas.ServiceDetailPage().dump(page_of_list(services, query))

    @rpc
    def get_service(self, service_id):
        service_id = schemas.ServiceRef().load({"service_id": service_id})["service_id"]
        return schemas.ServiceDetail().dump(usecases.get_service(self.db, service_id))

    @rpc
    def validate_service_form(self, service_id, values):
        """Orders call this when a service is bought: cleaned values, or Invalid keyed by form field."""
        check = schemas.FormCheck().load({"service_id": service_id, "values": values})
        return schemas.CleanedForm().dump(usecases.validate_service_form(self.db, **check))

    # -- staff ---------------------------------------------------------------------
    @rpc
    @idempotent
    def create_product(self, payload):
        self.caller.require_staff()
        command = schemas.NewProduct().load(payload)
        return schemas.ProductDetail().dump(usecases.create_product(self.db, command, self.clock))

    @rpc
    @idempotent
    def update_product(self, code, payload):
        self.caller.require_staff()
        code = schemas.ProductRef().load({"code": code})["code"]
        changes = schemas.ProductChanges().load(payload)
        return schemas.ProductDetail().dump(usecases.update_product(self.db, code, changes, self.clock))

    @rpc
    @idempotent
    def create_service(self, payload):
        self.caller.require_staff()
        command = schemas.NewService().load(payload)
        return schemas.ServiceDetail().dump(usecases.create_service(self.db, command, self.clock))

    @rpc
    @idempotent
    def update_service(self, service_id, payload):
        self.caller.require_staff()
        service_id = schemas.ServiceRef().load({"service_id": service_id})["service_id"]
        changes = schemas.ServiceChanges().load(payload)
        return schemas.ServiceDetail().dump(usecases.update_service(self.db, service_id, changes, self.clock))
