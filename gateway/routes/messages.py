"""The message desk's routes: the customer's threads, an order's or a return's channel, the staff inbox.

The service's own wire contract (``services/messaging/schemas.py``) is the
request and response schema of every route. Reading a thread marks it read
for the reader, so those GETs change a counter: they are still safe to
repeat.
"""
from gateway.http import route
from services.chassis.rpc import call
from services.messaging import schemas

THREAD = (404,)
WRITE = (404, 409)
POSTED = (429,)  # a customer's messages are rate limited


class MessageRoutes:
    # -- the customer's desk ---------------------------------------------------------------
    @route("POST", "/api/v1/messages", auth="customer", body=schemas.NewThread, response=schemas.ThreadDetail,
           status=201, summary="Write to the shop: opens a thread (or continues an order's open thread)",
           tags=("messages",), problem_statuses=(404, *POSTED))
    def open_thread(self, request, body):
        return call(self.messaging, "open_thread", body)

    @route("GET", "/api/v1/messages", auth="customer", query=schemas.ThreadQuery, response=schemas.ThreadPage,
           summary="My threads: subject, status, unread count, last activity (newest first)", tags=("messages",))
    def list_threads(self, request, query):
        return call(self.messaging, "list_threads", query)

    @route("GET", "/api/v1/messages/<thread_id>", auth="customer", response=schemas.ThreadDetail,
           summary="Read one of my threads (marks it read)", tags=("messages",), problem_statuses=THREAD)
    def read_thread(self, request, thread_id):
        return call(self.messaging, "read_thread", thread_id)

    @route("POST", "/api/v1/messages/<thread_id>", auth="customer", body=schemas.NewMessage,
           response=schemas.ThreadDetail, status=201, summary="Reply in one of my threads", tags=("messages",),
           problem_statuses=WRITE + POSTED)
    def reply_in_thread(self, request, thread_id, body):
        return call(self.messaging, "reply", thread_id, body)

    @route("GET", "/api/v1/orders/<number>/messages", auth="customer", response=schemas.OrderChannel,
           summary="The order's message channel (marks it read)", tags=("messages", "orders"),
           problem_statuses=THREAD)
    def order_channel(self, request, number):
        return call(self.messaging, "order_channel", number)

    @route("POST", "/api/v1/orders/<number>/messages", auth="customer", body=schemas.NewMessage,
           response=schemas.ThreadDetail, status=201, summary="Write about an order (its thread opens on the "
           "first message)", tags=("messages", "orders"), problem_statuses=THREAD + POSTED)
    def write_about_order(self, request, number, body):
        return call(self.messaging, "write_about_order", number, body)

    @route("GET", "/api/v1/returns/<number>/messages", auth="customer", response=schemas.RmaChannel,
           summary="The return's (RMA's) message channel (marks it read)", tags=("messages", "returns"),
           problem_statuses=THREAD)
    def rma_channel(self, request, number):
        return call(self.messaging, "rma_channel", number)

    @route("POST", "/api/v1/returns/<number>/messages", auth="customer", body=schemas.NewMessage,
           response=schemas.ThreadDetail, status=201, summary="Write about a return (its thread opens on the "
           "first message)", tags=("messages", "returns"), problem_statuses=THREAD + POSTED)
    def write_about_rma(self, request, number, body):
        return call(self.messaging, "write_about_rma", number, body)

    # -- the staff inbox -------------------------------------------------------------------
    @route("GET", "/api/v1/staff/messages", auth="staff", query=schemas.StaffThreadQuery,
           response=schemas.StaffThreadPage, summary="Every thread, with its first-response deadline",
           tags=("staff", "messages"))
    def staff_inbox(self, request, query):
        return call(self.messaging, "staff_inbox", query)

    @route("GET", "/api/v1/staff/messages/<thread_id>", auth="staff", response=schemas.StaffThreadDetail,
           summary="Read a thread (marks it read for staff)", tags=("staff", "messages"), problem_statuses=THREAD)
    def staff_read_thread(self, request, thread_id):
        return call(self.messaging, "staff_read_thread", thread_id)

    @route("POST", "/api/v1/staff/messages/<thread_id>", auth="staff", body=schemas.NewMessage,
           response=schemas.StaffThreadDetail, status=201, summary="Answer a thread (the customer gets an e-mail)",
           tags=("staff", "messages"), problem_statuses=WRITE)
    def staff_reply_in_thread(self, request, thread_id, body):
        return call(self.messaging, "staff_reply", thread_id, body)

    @route("POST", "/api/v1/staff/messages/<thread_id>/assign", auth="staff", body=schemas.Assignment,
           response=schemas.StaffThreadDetail, summary="Assign a thread to me, to a colleague, or to nobody",
           tags=("staff", "messages"), problem_statuses=THREAD)
    def staff_assign_thread(self, request, thread_id, body):
        return call(self.messaging, "staff_assign", thread_id, body)

    @route("POST", "/api/v1/staff/messages/<thread_id>/close", auth="staff", response=schemas.StaffThreadDetail,
           summary="Close a thread (final: the customer writes a new one)", tags=("staff", "messages"),
           problem_statuses=THREAD)
    def staff_close_thread(self, request, thread_id):
        return call(self.messaging, "staff_close", thread_id)

    @route("GET", "/api/v1/staff/notifications", auth="staff", query=schemas.NotificationQuery,
           response=schemas.NotificationPage, summary="Notifications sent, pending, failed", tags=("staff",))
    def staff_notifications(self, request, query):
        return call(self.messaging, "staff_notifications", query)
