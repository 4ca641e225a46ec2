"""The orders service: RPC entrypoints and event handlers only; each is schema in, one use case, schema out."""
from services.chassis.auth import Caller
from services.chassis.clock import Clock
from services.chassis.events import consume
from services.chassis.idempotency import idempotent
from services.chassis.rpc import rpc
from services.chassis.service import ServiceBase
from services.orders import schemas
from services.orders.adapters.printing import order_html
from services.orders.dependencies import Accounts, Catalog, orders_database
from services.orders.usecases import carts, checkout, orders, quotes, returns


class OrdersService(ServiceBase):
    name = "orders"

    db = orders_database()
    clock = Clock()
    caller = Caller()
    catalog = Catalog()
    accounts = Accounts()

    # -- carts -----------------------------------------------------------------------------
    @rpc
    def list_carts(self, query=None):
        page = carts.list_carts(self.db, self.caller.require(), schemas.PageQuery().load(query or {}))
        return schemas.CartPage().dump(page)

    @rpc
    @idempotent
    def create_cart(self, payload):
        cart = carts.create_cart(self.db, self.caller.require(), schemas.NewCart().load(payload), self.clock)
        return schemas.Cart().dump(cart)

    @rpc
    def get_cart(self, cart_id):
        return schemas.Cart().dump(carts.owned_cart(self.db, self.caller.require(), cart_id))

    @rpc
    @idempotent
    def update_cart(self, cart_id, payload):
        changes = schemas.CartChanges().load(payload)
        return schemas.Cart().dump(carts.update_cart(self.db, self.caller.require(), cart_id, changes, self.clock))

    @rpc
    @idempotent
    def delete_cart(self, cart_id):
        carts.delete_cart(self.db, self.caller.require(), cart_id)

    @rpc
    @idempotent
    def activate_cart(self, cart_id):
        return schemas.Cart().dump(carts.activate_cart(self.db, self.caller.require(), cart_id, self.clock))

    @rpc
    @idempotent
    def deactivate_cart(self, cart_id):
        return schemas.Cart().dump(carts.deactivate_cart(self.db, self.caller.require(), cart_id, self.clock))

    @rpc
    @idempotent
    def add_item(self, cart_id, payload):
        item = schemas.NewItem().load(payload)
        cart, line = carts.add_item(self.db, self.caller.require(), cart_id, item, self.catalog, self.clock)
        return schemas.AddedItem().dump({"cart": cart, "line_id": line.id})

    @rpc
    @idempotent
    def set_quantity(self, cart_id, line_id, payload):
        quantity = schemas.QuantityChange().load(payload)["quantity"]
        cart = carts.set_quantity(self.db, self.caller.require(), cart_id, line_id, quantity, self.clock)
        return schemas.Cart().dump(cart)

    @rpc
    @idempotent
    def remove_item(self, cart_id, line_id):
        return schemas.Cart().dump(carts.remove_item(self.db, self.caller.require(), cart_id, line_id, self.clock))

    @rpc
    @idempotent
    def refresh_prices(self, cart_id):
        cart, changes = carts.refresh_prices(self.db, self.caller.require(), cart_id, self.catalog, self.clock)
        return schemas.RefreshResult().dump({"cart": cart, "changes": changes})

    # -- checkout and orders ---------------------------------------------------------------
    @rpc
    def preview_checkout(self, cart_id):
        return schemas.CheckoutPreview().dump(checkout.preview(self.db, self.caller.require(), cart_id, self.catalog,
                                                                      self.clock))

    @rpc
    @idempotent
    def checkout(self, cart_id, payload):
        command = schemas.Checkout().load(payload)
        order = checkout.checkout(self.db, self.caller.require(), cart_id, command, self.catalog, self.accounts,
                                  self.clock)
        return schemas.Order().dump(order)

    @rpc
    def list_orders(self, query):
        page = orders.list_orders(self.db, self.caller.require(), schemas.OrderQuery().load(query))
        return schemas.OrderPage().dump(page)

    @rpc
    def get_order(self, number):
        return schemas.Order().dump(orders.get_order(self.db, self.caller.require(), number))

    @rpc
    def print_order(self, number):
        return order_html(orders.get_order(self.db, self.caller.require(), number))

    # -- staff ------------------------------------------------------------------------------
    @rpc
    def staff_list_orders(self, query):
        self.caller.require_staff()
        page = orders.staff_list_orders(self.db, schemas.StaffOrderQuery().load(query), self.accounts)
        return schemas.OrderPage().dump(page)

    @rpc
    def staff_get_order(self, number):
        self.caller.require_staff()
        return schemas.Order().dump(orders.staff_order(self.db, number))

    @rpc
    @idempotent
    def staff_change_status(self, number, payload):
        self.caller.require_staff()
        order = orders.change_status(self.db, number, schemas.StatusCommand().load(payload), self.clock)
        return schemas.Order().dump(order)

    @rpc
    @idempotent
    def staff_record_payment(self, number, payload):
        self.caller.require_staff()
        order = orders.record_payment(self.db, number, schemas.PaymentCommand().load(payload), self.clock)
        return schemas.Order().dump(order)

    # -- events -----------------------------------------------------------------------------
    @consume("catalog", "product_price_changed", schemas.ProductPriceChanged)
    def handle_product_price_changed(self, event):
        carts.note_price_change(self.db, event)

    @consume("returns", "refund_requested", schemas.RefundRequested)
    def handle_refund_requested(self, event):
        returns.record_refund(self.db, event, self.clock)

    @consume("returns", "credit_requested", schemas.CreditRequested)
    def handle_credit_requested(self, event):
        returns.record_refund(self.db, event, self.clock, kind="credit")

    @consume("returns", "replacement_requested", schemas.ReplacementRequested)
    def handle_replacement_requested(self, event):
        returns.create_replacement(self.db, event, self.clock)

    # -- other services -----------------------------------------------------------------------
    @rpc
    def internal_delivered_order(self, number):
        """For returns, before it opens a return window (internal_*: the gateway may not call it)."""
        self.caller.refuse_person()  # asked by returns' event handler, never on anyone's behalf
        return orders.delivered_order(self.db, number)

    # -- quotes -----------------------------------------------------------------------------
    @rpc
    def get_quote_cart(self):
        return schemas.Quote().dump(quotes.quote_cart(self.db, self.caller.require(), self.clock))

    @rpc
    @idempotent
    def add_to_quote_cart(self, payload):
        item = schemas.QuoteItem().load(payload)
        draft = quotes.add_to_quote_cart(self.db, self.caller.require(), item, self.catalog, self.clock)
        return schemas.Quote().dump(draft)

    @rpc
    @idempotent
    def remove_from_quote_cart(self, line_id):
        return schemas.Quote().dump(quotes.remove_from_quote_cart(self.db, self.caller.require(), line_id, self.clock))

    @rpc
    @idempotent
    def request_quote(self, payload):
        message = schemas.QuoteRequest().load(payload)["message"]
        quote = quotes.request_quote(self.db, self.caller.require(), message, self.accounts, self.clock)
        return schemas.Quote().dump(quote)

    @rpc
    def list_quotes(self, query=None):
        page = quotes.list_quotes(self.db, self.caller.require(), schemas.PageQuery().load(query or {}), self.clock)
        return schemas.QuotePage().dump(page)

    @rpc
    def get_quote(self, number):
        return schemas.Quote().dump(quotes.get_quote(self.db, self.caller.require(), number, self.clock))

    @rpc
    @idempotent
    def accept_quote(self, number):
        quote, cart = quotes.accept_quote(self.db, self.caller.require(), number, self.clock)
        return schemas.AcceptedQuote().dump({"quote": quote, "cart": cart})

    @rpc
    @idempotent
    def decline_quote(self, number):
        return schemas.Quote().dump(quotes.decline_quote(self.db, self.caller.require(), number, self.clock))

    @rpc
    def staff_list_quotes(self, query):
        self.caller.require_staff()
        page = quotes.staff_list_quotes(self.db, schemas.QuoteQuery().load(query), self.clock)
        return schemas.QuotePage().dump(page)

    @rpc
    @idempotent
    def staff_price_quote(self, number, payload):
        self.caller.require_staff()
        quote = quotes.price_quote(self.db, number, schemas.QuotePricing().load(payload), self.clock)
        return schemas.Quote().dump(quote)
