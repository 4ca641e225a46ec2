"""The HTTP gateway: routes grouped by downstream service, no state of its own."""
from nameko.dependency_providers import Config

from gateway.auth import Authenticator
from gateway.dependencies import service_proxy
from gateway.routes.accounts import AccountsRoutes
from gateway.routes.auth import AuthRoutes
from gateway.routes.catalog import CatalogRoutes
from gateway.routes.health import HealthRoutes
from gateway.routes.messages import MessageRoutes
from gateway.routes.orders import CartRoutes, OrderRoutes, QuoteRoutes
from gateway.routes.portal import PortalRoutes
from gateway.routes.problem_pages import ProblemPageRoutes
from gateway.routes.returns import ReturnRoutes
from gateway.routes.staff_accounts import StaffAccountRoutes
from services.chassis.observability import RequestContext


class GatewayService(HealthRoutes, AuthRoutes, AccountsRoutes, CatalogRoutes, CartRoutes, OrderRoutes,
                     QuoteRoutes, MessageRoutes, ReturnRoutes, PortalRoutes, StaffAccountRoutes,
                     ProblemPageRoutes):
    name = "gateway"

    config = Config()
    request_context = RequestContext()
    auth = Authenticator()
    accounts = service_proxy("accounts")
    catalog = service_proxy("catalog")
    orders = service_proxy("orders")
    returns = service_proxy("returns")
    messaging = service_proxy("messaging")
