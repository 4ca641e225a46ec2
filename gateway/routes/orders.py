from werkzeug.wrappers import Response

from gateway.http import route
from services.chassis.rpc import call
from services.orders import schemas

PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'"


class CartRoutes:
    @route("GET", "/api/v1/carts", auth="customer", query=schemas.PageQuery, response=schemas.CartPage,
           summary="My carts, changed last first", tags=("carts",))
    def list_carts(self, request, query):
        return call(self.orders, "list_carts", query)

    @route("POST", "/api/v1/carts", auth="customer", body=schemas.NewCart, response=schemas.Cart, status=201,
           summary="Create a cart (it becomes the active one)", tags=("carts",))
    def create_cart(self, request, body):
        return call(self.orders, "create_cart", body)

    @route("GET", "/api/v1/carts/<cart_id>", auth="customer", response=schemas.Cart, summary="One of my carts",
           tags=("carts",), problem_statuses=(404,))
    def get_cart(self, request, cart_id):
        return call(self.orders, "get_cart", cart_id)

    @route("PATCH", "/api/v1/carts/<cart_id>", auth="customer", body=schemas.CartChanges, response=schemas.Cart,
           summary="Rename a cart or change its note", tags=("carts",), problem_statuses=(404, 409))
    def update_cart(self, request, cart_id, body):
        return call(self.orders, "update_cart", cart_id, body)

    @route("DELETE", "/api/v1/carts/<cart_id>", auth="customer", status=204, summary="Delete a cart (not purchased)",
           tags=("carts",), problem_statuses=(404, 409))
    def delete_cart(self, request, cart_id):
        call(self.orders, "delete_cart", cart_id)

    @route("POST", "/api/v1/carts/<cart_id>/activate", auth="customer", response=schemas.Cart,
           summary="Make this the active cart (the other one becomes inactive)", tags=("carts",),
           problem_statuses=(404, 409))
    def activate_cart(self, request, cart_id):
        return call(self.orders, "activate_cart", cart_id)

    @route("POST", "/api/v1/carts/<cart_id>/deactivate", auth="customer", response=schemas.Cart,
           summary="Keep this cart for later", tags=("carts",), problem_statuses=(404, 409))
    def deactivate_cart(self, request, cart_id):
        return call(self.orders, "deactivate_cart", cart_id)

    @route("POST", "/api/v1/cart/items", auth="customer", body=schemas.NewItem, response=schemas.AddedItem,
           status=201, summary="Add to the active cart (made when there is none)", tags=("carts",),
           problem_statuses=(404, 409))  # 404: no such service (service-not-found)
    def add_to_active_cart(self, request, body):
        return call(self.orders, "add_item", None, body)

    @route("POST", "/api/v1/carts/<cart_id>/items", auth="customer", body=schemas.NewItem,
           response=schemas.AddedItem, status=201, summary="Add a product or a fixed-price service",
           tags=("carts",), problem_statuses=(404, 409))
    def add_cart_item(self, request, cart_id, body):
        return call(self.orders, "add_item", cart_id, body)

    @route("PATCH", "/api/v1/carts/<cart_id>/items/<line_id>", auth="customer", body=schemas.QuantityChange,
           response=schemas.Cart, summary="Change a line's quantity", tags=("carts",), problem_statuses=(404, 409))
    def set_cart_item_quantity(self, request, cart_id, line_id, body):
        return call(self.orders, "set_quantity", cart_id, line_id, body)

    @route("DELETE", "/api/v1/carts/<cart_id>/items/<line_id>", auth="customer", response=schemas.Cart,
           summary="Remove a line", tags=("carts",), problem_statuses=(404, 409))
    def remove_cart_item(self, request, cart_id, line_id):
        return call(self.orders, "remove_item", cart_id, line_id)

    @route("POST", "/api/v1/carts/<cart_id>/refresh-prices", auth="customer", response=schemas.RefreshResult,
           summary="Reprice every line from the catalog (one batch call) and report what changed",
           tags=("carts",), problem_statuses=(404, 409))
    def refresh_cart_prices(self, request, cart_id):
        return call(self.orders, "refresh_prices", cart_id)

    @route("POST", "/api/v1/carts/<cart_id>/checkout/preview", auth="customer", response=schemas.CheckoutPreview,
           summary="Totals as they would be charged, nothing placed", tags=("checkout",), problem_statuses=(404, 409),
           idempotent=False)  # today's totals, every time: nothing to replay
    def preview_checkout(self, request, cart_id):
        return call(self.orders, "preview_checkout", cart_id)

    @route("POST", "/api/v1/carts/<cart_id>/checkout", auth="customer", body=schemas.Checkout, response=schemas.Order,
           status=201, summary="Place the order (send an Idempotency-Key header to make retries safe)",
           tags=("checkout",), problem_statuses=(403, 404, 409))
    def checkout_cart(self, request, cart_id, body):
        return call(self.orders, "checkout", cart_id, body)


class OrderRoutes:
    @route("GET", "/api/v1/orders", auth="customer", query=schemas.OrderQuery, response=schemas.OrderPage,
           summary="My orders (and my company's), newest first", tags=("orders",))
    def list_orders(self, request, query):
        return call(self.orders, "list_orders", query)

    @route("GET", "/api/v1/orders/<number>", auth="customer", response=schemas.Order,
           summary="An order exactly as sent", tags=("orders",), problem_statuses=(404,))
    def get_order(self, request, number):
        return call(self.orders, "get_order", number)

    @route("GET", "/api/v1/orders/<number>/print", auth="customer", summary="Print-ready HTML of an order",
           tags=("orders",), problem_statuses=(404,), produces=("text/html",))
    def print_order(self, request, number):
        html = call(self.orders, "print_order", number)
        return Response(html, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": PRINT_CSP})

    @route("GET", "/api/v1/staff/orders", auth="staff", query=schemas.StaffOrderQuery, response=schemas.OrderPage,
           summary="All orders, newest first, by customer number, order number, status and days placed",
           tags=("staff",))
    def staff_list_orders(self, request, query):
        return call(self.orders, "staff_list_orders", schemas.StaffOrderQuery().dump(query))

    @route("GET", "/api/v1/staff/orders/<number>", auth="staff", response=schemas.Order,
           summary="Any customer's order, with its history and payments", tags=("staff",), problem_statuses=(404,))
    def staff_get_order(self, request, number):
        return call(self.orders, "staff_get_order", number)

    @route("POST", "/api/v1/staff/orders/<number>/status", auth="staff", body=schemas.StatusCommand,
           response=schemas.Order, summary="Move an order along its state machine", tags=("staff",),
           problem_statuses=(404, 409))
    def staff_change_order_status(self, request, number, body):
        return call(self.orders, "staff_change_status", number, body)

    @route("POST", "/api/v1/staff/orders/<number>/payments", auth="staff", body=schemas.PaymentCommand,
           response=schemas.Order, status=201, summary="Record a payment", tags=("staff",),
           problem_statuses=(404, 409))
    def staff_record_payment(self, request, number, body):
        return call(self.orders, "staff_record_payment", number, schemas.PaymentCommand().dump(body))


class QuoteRoutes:
    @route("GET", "/api/v1/quote-cart", auth="customer", response=schemas.Quote,
           summary="My quote cart (services sold on quote)", tags=("quotes",))
    def get_quote_cart(self, request):
        return call(self.orders, "get_quote_cart")

    @route("POST", "/api/v1/quote-cart/items", auth="customer", body=schemas.QuoteItem, response=schemas.Quote,
           status=201, summary="Add a service with its filled form", tags=("quotes",), problem_statuses=(404, 409))
    def add_to_quote_cart(self, request, body):
        return call(self.orders, "add_to_quote_cart", body)

    @route("DELETE", "/api/v1/quote-cart/items/<line_id>", auth="customer", response=schemas.Quote,
           summary="Remove a line from the quote cart", tags=("quotes",), problem_statuses=(404, 409))
    def remove_from_quote_cart(self, request, line_id):
        return call(self.orders, "remove_from_quote_cart", line_id)

    @route("POST", "/api/v1/quote-cart/request", auth="customer", body=schemas.QuoteRequest, response=schemas.Quote,
           status=201, summary="Ask for a quote (a confirmation mail follows)", tags=("quotes",),
           problem_statuses=(409,))
    def request_quote(self, request, body):
        return call(self.orders, "request_quote", body)

    @route("GET", "/api/v1/quotes", auth="customer", query=schemas.PageQuery, response=schemas.QuotePage,
           summary="My quotes (and my company's), newest first", tags=("quotes",))
    def list_quotes(self, request, query):
        return call(self.orders, "list_quotes", query)

    @route("GET", "/api/v1/quotes/<number>", auth="customer", response=schemas.Quote, summary="One of my quotes",
           tags=("quotes",), problem_statuses=(404,))
    def get_quote(self, request, number):
        return call(self.orders, "get_quote", number)

    @route("POST", "/api/v1/quotes/<number>/accept", auth="customer", response=schemas.AcceptedQuote,
           summary="Accept a priced quote: it becomes a cart at the quoted prices", tags=("quotes",),
           problem_statuses=(404, 409))
    def accept_quote(self, request, number):
        return call(self.orders, "accept_quote", number)

    @route("POST", "/api/v1/quotes/<number>/decline", auth="customer", response=schemas.Quote,
           summary="Decline a quote", tags=("quotes",), problem_statuses=(404, 409))
    def decline_quote(self, request, number):
        return call(self.orders, "decline_quote", number)

    @route("GET", "/api/v1/staff/quotes", auth="staff", query=schemas.QuoteQuery, response=schemas.QuotePage,
           summary="Quote requests, newest first", tags=("staff",))
    def staff_list_quotes(self, request, query):
        return call(self.orders, "staff_list_quotes", query)

    @route("POST", "/api/v1/staff/quotes/<number>/price", auth="staff", body=schemas.QuotePricing,
           response=schemas.Quote, summary="Price a quote (line prices, validity, note)", tags=("staff",),
           problem_statuses=(404, 409))
    def staff_price_quote(self, request, number, body):
        return call(self.orders, "staff_price_quote", number, schemas.QuotePricing().dump(body))
