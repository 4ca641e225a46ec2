"""The returns service: RPC entrypoints and event handlers only; each is schema in, one use case, schema out."""
from services.chassis.auth import Caller
from services.chassis.clock import Clock
from services.chassis.events import consume
from services.chassis.idempotency import idempotent
from services.chassis.rpc import rpc
from services.chassis.service import ServiceBase
from services.returns import schemas
from services.returns.dependencies import Accounts, Attachments, Orders, Policy, returns_database
from services.returns.usecases import files, rmas, windows, workflow


class ReturnsService(ServiceBase):
    name = "returns"
    # The service-to-service methods it calls (confirming a delivery before a return window opens): its broker user may publish
    # these requests and no other internal_* one (services/chassis/broker_identities.py).
    INTERNAL_RPC_CALLS = {"orders": ("internal_delivered_order",)}

    db = returns_database()
    clock = Clock()
    caller = Caller()
    policy = Policy()
    accounts = Accounts()
    orders = Orders()
    attachments = Attachments()

    def dump(self, schema, value, many: bool = False):
        """Dump with the current time in context (whether a return is past its review deadline)."""
        return schema(many=many, now=self.clock()).dump(value)

    # -- events: the handler name is part of its queue's name, never rename it --------------------
    def confirm_order_delivered(self, event):
        return windows.confirm_delivery(event, self.orders)

    @consume("orders", "order_delivered", schemas.OrderDelivered, confirm=confirm_order_delivered)
    def handle_order_delivered(self, event, delivered):
        windows.record_delivery(self.db, delivered, self.policy, self.clock)

    @consume("accounts", "customer_erased", schemas.CustomerErased)
    def handle_customer_erased(self, event):
        rmas.erase_customer(self.db, event, self.attachments)

    # -- customer ---------------------------------------------------------------------------------
    @rpc
    def eligible_orders(self, query=None):
        query = schemas.EligibleOrderQuery().load(query or {})
        page = windows.eligible_orders(self.db, self.caller.require(), query, self.policy, self.clock)
        return schemas.EligibleOrderPage().dump(page)

    @rpc
    @idempotent
    def create_rma(self, payload):
        command = schemas.NewRma().load(payload)
        rma = rmas.create_rma(self.db, self.caller.require(), command, self.accounts, self.policy, self.clock)
        return self.dump(schemas.Rma, rma)

    @rpc
    def list_rmas(self, query):
        page = rmas.list_rmas(self.db, self.caller.require(), schemas.RmaQuery().load(query))
        return self.dump(schemas.RmaPage, page)

    @rpc
    def get_rma(self, number):
        return self.dump(schemas.Rma, rmas.get_rma(self.db, self.caller.require(), number))

    @rpc
    @idempotent
    def resubmit(self, number, payload):
        command = schemas.Resubmission().load(payload)
        rma = workflow.resubmit(self.db, self.caller.require(), number, command, self.policy, self.clock)
        return self.dump(schemas.Rma, rma)

    @rpc
    @idempotent
    def answer_offer(self, number, payload):
        command = schemas.OfferAnswer().load(payload)
        rma = workflow.answer_offer(self.db, self.caller.require(), number, command, self.policy, self.clock)
        return self.dump(schemas.Rma, rma)

    @rpc
    @idempotent
    def confirm_shipment(self, number, payload):
        command = schemas.Shipment().load(payload)
        return self.dump(schemas.Rma, workflow.confirm_shipment(self.db, self.caller.require(), number, command,
                                                                self.clock))

    @rpc
    def label(self, number):
        return schemas.File().dump(files.label(self.db, self.caller.require(), number, self.policy))

    @rpc
    @idempotent
    def add_attachment(self, number, payload):
        upload = schemas.Upload().load(payload)
        attachment = files.add_attachment(self.db, self.caller.require(), number, upload, self.attachments,
                                          self.policy, self.clock)
        return schemas.AttachmentInfo().dump(attachment)

    @rpc
    def get_attachment(self, number, attachment_id):
        file = files.attachment_file(self.db, self.caller.require(), number, attachment_id, self.attachments)
        return schemas.File().dump(file)

    # -- staff ------------------------------------------------------------------------------------
    @rpc
    def staff_list_rmas(self, query):
        self.caller.require_staff()
        return self.dump(schemas.RmaPage, rmas.staff_list_rmas(self.db, schemas.StaffRmaQuery().load(query), self.clock))

    @rpc
    def staff_get_rma(self, number):
        self.caller.require_staff()
        return self.dump(schemas.Rma, rmas.staff_get_rma(self.db, number))

    @rpc
    def staff_get_attachment(self, number, attachment_id):
        self.caller.require_staff()
        return schemas.File().dump(files.attachment_file(self.db, None, number, attachment_id, self.attachments))

    @rpc
    @idempotent
    def review(self, number, payload):
        self.caller.require_staff()
        command = schemas.Review().load(payload)
        return self.dump(schemas.Rma, workflow.review(self.db, number, command, self.policy, self.clock))

    @rpc
    @idempotent
    def receive(self, number, payload):
        self.caller.require_staff()
        command = schemas.Receipt().load(payload)
        return self.dump(schemas.Rma, workflow.receive(self.db, number, command, self.policy, self.clock))

    @rpc
    @idempotent
    def resolve(self, number, payload):
        self.caller.require_staff()
        command = schemas.StaffNote().load(payload)
        return self.dump(schemas.Rma, workflow.resolve(self.db, number, command, self.clock))

    @rpc
    @idempotent
    def return_to_customer(self, number, payload):
        self.caller.require_staff()
        command = schemas.ReturnShipment().load(payload)
        return self.dump(schemas.Rma, workflow.return_to_customer(self.db, number, command, self.clock))

    @rpc
    @idempotent
    def close(self, number, payload):
        self.caller.require_staff()
        command = schemas.StaffNote().load(payload)
        return self.dump(schemas.Rma, workflow.close(self.db, number, command, self.clock))
