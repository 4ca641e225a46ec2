"""The messaging service: RPC entrypoints and event handlers only; each is schema in, one use case, schema out."""
from services.chassis.auth import Caller
from services.chassis.clock import Clock
from services.chassis.events import consume
from services.chassis.idempotency import idempotent
from services.chassis.rpc import rpc
from services.chassis.service import ServiceBase
from services.messaging import schemas
from services.messaging.adapters.lookups import References
from services.messaging.dependencies import Accounts, Orders, Returns, Settings, messaging_database
from services.messaging.return_events import (RefundRequested, ReplacementRequested, RmaClosed, RmaCreated,
                                              RmaReceived, RmaReviewed)
from services.messaging.usecases import account_mail, desk, limits, order_mail, privacy, return_mail, staff_desk


class MessagingService(ServiceBase):
    name = "messaging"
    # The service-to-service methods it calls (the single-use links of the messages it sends): its broker user may publish
    # these requests and no other internal_* one (services/chassis/broker_identities.py).
    INTERNAL_RPC_CALLS = {"accounts": ("internal_issue_link",)}

    db = messaging_database()
    clock = Clock()
    caller = Caller()
    settings = Settings()
    accounts = Accounts()
    orders = Orders()
    returns = Returns()

    @property
    def refs(self) -> References:
        """The orders and RMAs a thread can be about, checked with the caller's identity."""
        return References(self.orders, self.returns)

    # -- the customer's desk ---------------------------------------------------------------
    @rpc
    @idempotent
    def open_thread(self, payload):
        command = schemas.NewThread().load(payload)
        limits.count_posting(self.db, self.caller.require(), self.settings.posting_limit, self.clock)
        thread = desk.open_thread(self.db, self.caller.require(), command, self.accounts, self.refs,
                                  self.settings, self.clock)
        return schemas.ThreadDetail().dump(thread)

    @rpc
    def list_threads(self, query):
        return schemas.ThreadPage().dump(desk.list_threads(self.db, self.caller.require(),
                                                           schemas.ThreadQuery().load(query)))

    @rpc
    def read_thread(self, thread_id):
        return schemas.ThreadDetail().dump(desk.read_thread(self.db, self.caller.require(), thread_id))

    @rpc
    @idempotent
    def reply(self, thread_id, payload):
        command = schemas.NewMessage().load(payload)
        limits.count_posting(self.db, self.caller.require(), self.settings.posting_limit, self.clock)
        thread = desk.reply(self.db, self.caller.require(), thread_id, command, self.accounts, self.settings,
                            self.clock)
        return schemas.ThreadDetail().dump(thread)

    @rpc
    def order_channel(self, number):
        return schemas.OrderChannel().dump(desk.order_channel(self.db, self.caller.require(), number, self.refs))

    @rpc
    @idempotent
    def write_about_order(self, number, payload):
        command = schemas.NewMessage().load(payload)
        limits.count_posting(self.db, self.caller.require(), self.settings.posting_limit, self.clock)
        thread = desk.write_about_order(self.db, self.caller.require(), number, command, self.accounts,
                                        self.refs, self.settings, self.clock)
        return schemas.ThreadDetail().dump(thread)

    @rpc
    def rma_channel(self, number):
        return schemas.RmaChannel().dump(desk.rma_channel(self.db, self.caller.require(), number, self.refs))

    @rpc
    @idempotent
    def write_about_rma(self, number, payload):
        command = schemas.NewMessage().load(payload)
        limits.count_posting(self.db, self.caller.require(), self.settings.posting_limit, self.clock)
        thread = desk.write_about_rma(self.db, self.caller.require(), number, command, self.accounts,
                                      self.refs, self.settings, self.clock)
        return schemas.ThreadDetail().dump(thread)

    # -- the staff inbox -------------------------------------------------------------------
    @rpc
    def staff_inbox(self, query):
        page = staff_desk.inbox(self.db, self.caller.require_staff(), schemas.StaffThreadQuery().load(query),
                                self.clock)
        return schemas.StaffThreadPage().dump(page)

    @rpc
    def staff_read_thread(self, thread_id):
        self.caller.require_staff()
        return schemas.StaffThreadDetail().dump(staff_desk.read(self.db, thread_id, self.clock))

    @rpc
    @idempotent
    def staff_reply(self, thread_id, payload):
        command = schemas.NewMessage().load(payload)
        thread = staff_desk.reply(self.db, self.caller.require_staff(), thread_id, command, self.settings,
                                  self.clock)
        return schemas.StaffThreadDetail().dump(thread)

    @rpc
    @idempotent
    def staff_assign(self, thread_id, payload):
        command = schemas.Assignment().load(payload)
        thread = staff_desk.assign(self.db, self.caller.require_staff(), thread_id, command, self.clock)
        return schemas.StaffThreadDetail().dump(thread)

    @rpc
    @idempotent
    def staff_close(self, thread_id):
        self.caller.require_staff()
        return schemas.StaffThreadDetail().dump(staff_desk.close(self.db, thread_id, self.clock))

    @rpc
    def staff_notifications(self, query):
        self.caller.require_staff()
        page = staff_desk.notifications(self.db, schemas.NotificationQuery().load(query))
        return schemas.NotificationPage().dump(page)

    # -- events: handler names are part of their queue names, never rename them ------------------
    @consume("accounts", "customer_registered", schemas.CustomerRegistered)
    def handle_customer_registered(self, event):
        account_mail.queue_welcome(self.db, event, self.clock)

    @consume("accounts", "password_reset_requested", schemas.PasswordResetRequested)
    def handle_password_reset_requested(self, event):
        account_mail.queue_password_reset(self.db, event, self.clock)

    @consume("accounts", "employee_invited", schemas.EmployeeInvited)
    def handle_employee_invited(self, event):
        account_mail.queue_employee_invitation(self.db, event, self.clock)

    @consume("accounts", "customer_erased", schemas.CustomerErased)
    def handle_customer_erased(self, event):
        privacy.erase_customer(self.db, event, self.clock)

    @consume("orders", "order_placed", schemas.OrderPlaced)
    def handle_order_placed(self, event):
        order_mail.queue_order_confirmation(self.db, event, self.settings, self.clock)

    @consume("orders", "order_status_changed", schemas.OrderStatusChanged)
    def handle_order_status_changed(self, event):
        order_mail.queue_order_status(self.db, event, self.settings, self.clock)

    @consume("orders", "order_paid", schemas.OrderPaid)
    def handle_order_paid(self, event):
        order_mail.queue_order_paid(self.db, event, self.settings, self.clock)

    @consume("orders", "quote_requested", schemas.QuoteRequested)
    def handle_quote_requested(self, event):
        order_mail.queue_quote_received(self.db, event, self.settings, self.clock)

    @consume("orders", "quote_priced", schemas.QuotePriced)
    def handle_quote_priced(self, event):
        order_mail.queue_quote_ready(self.db, event, self.settings, self.clock)

    @consume("returns", "rma_created", RmaCreated)
    def handle_rma_created(self, event):
        return_mail.queue_rma_created(self.db, event, self.settings, self.clock)

    @consume("returns", "rma_reviewed", RmaReviewed)
    def handle_rma_reviewed(self, event):
        return_mail.queue_rma_reviewed(self.db, event, self.settings, self.clock)

    @consume("returns", "rma_received", RmaReceived)
    def handle_rma_received(self, event):
        return_mail.queue_rma_received(self.db, event, self.settings, self.clock)

    @consume("returns", "refund_requested", RefundRequested)
    def handle_refund_requested(self, event):
        return_mail.queue_refund_requested(self.db, event, self.settings, self.clock)

    @consume("returns", "replacement_requested", ReplacementRequested)
    def handle_replacement_requested(self, event):
        return_mail.queue_replacement_requested(self.db, event, self.settings, self.clock)

    @consume("returns", "rma_closed", RmaClosed)
    def handle_rma_closed(self, event):
        return_mail.queue_rma_closed(self.db, event, self.settings, self.clock)
