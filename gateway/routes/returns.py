"""Returns (RMA) routes: requests validated with the returns service's wire contract (services.returns.schemas).

Files (labels, attachments) cross the RPC wire as base64 and leave here as
downloads only: ``Content-Disposition: attachment``, a sandboxing CSP and
nosniff, so nothing a customer uploaded is ever rendered by the browser as a page.
"""
import base64

from werkzeug.wrappers import Response

from gateway import problems
from gateway.http import content_disposition, route
from services.chassis.errors import Invalid
from services.chassis.rpc import call
from services.returns import schemas

TAGS = ("returns",)
STAFF_TAGS = ("staff",)
DOWNLOAD_CSP = "default-src 'none'; sandbox"
# What an attachment is served as: the types the returns service accepts (photos and PDFs).
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


def download(file: dict) -> Response:
    return Response(base64.b64decode(file["data"]), content_type=file["content_type"], headers={
        "Content-Disposition": content_disposition(file["filename"]), "Content-Security-Policy": DOWNLOAD_CSP})


def upload(request) -> dict:
    """The one file of a multipart/form-data body (field ``file``), for the returns service to judge."""
    if request.mimetype != "multipart/form-data":
        raise problems.HttpProblem(415, "unsupported-media-type", "Send the file as multipart/form-data.",
                                   f"Got {request.mimetype or 'no content type'}.")
    files = request.files.getlist("file")
    if len(files) != 1:
        raise Invalid("Send exactly one file, in the form field 'file'.", fields={"file": ["One file is needed."]})
    return {"filename": files[0].filename, "data": base64.b64encode(files[0].read()).decode("ascii")}


# Above the returns service's 5 MiB per file, for the multipart envelope; returns checks the file itself.
UPLOAD_MAX_BODY_BYTES = 6 * 1024 * 1024


class ReturnRoutes:
    # -- customer -------------------------------------------------------------------------------
    @route("GET", "/api/v1/returns/eligible-orders", auth="customer", query=schemas.EligibleOrderQuery,
           response=schemas.EligibleOrderPage,
           summary="My delivered orders still in the return window, with what can still be returned", tags=TAGS)
    def list_eligible_orders(self, request, query):
        return call(self.returns, "eligible_orders", query)

    @route("POST", "/api/v1/returns", auth="customer", body=schemas.NewRma, response=schemas.Rma, status=201,
           summary="Request a return (send an Idempotency-Key header to make retries safe)", tags=TAGS,
           problem_statuses=(403, 404))
    def create_rma(self, request, body):
        return call(self.returns, "create_rma", schemas.NewRma().dump(body))

    @route("GET", "/api/v1/returns", auth="customer", query=schemas.RmaQuery, response=schemas.RmaPage,
           summary="My returns (and my company's), newest first", tags=TAGS)
    def list_rmas(self, request, query):
        return call(self.returns, "list_rmas", query)

    @route("GET", "/api/v1/returns/<number>", auth="customer", response=schemas.Rma,
           summary="A return with its lines, timeline and attachments", tags=TAGS, problem_statuses=(404,))
    def get_rma(self, request, number):
        return call(self.returns, "get_rma", number)

    @route("POST", "/api/v1/returns/<number>/resubmit", auth="customer", body=schemas.Resubmission,
           response=schemas.Rma, summary="Send the details staff asked for", tags=TAGS, problem_statuses=(404, 409))
    def resubmit_rma(self, request, number, body):
        return call(self.returns, "resubmit", number, body)

    @route("POST", "/api/v1/returns/<number>/offer", auth="customer", body=schemas.OfferAnswer, response=schemas.Rma,
           summary="Accept or decline the commercial resolution offered", tags=TAGS, problem_statuses=(404, 409))
    def answer_rma_offer(self, request, number, body):
        return call(self.returns, "answer_offer", number, body)

    @route("POST", "/api/v1/returns/<number>/shipment", auth="customer", body=schemas.Shipment, response=schemas.Rma,
           summary="Confirm that the goods are on their way back", tags=TAGS, problem_statuses=(404, 409))
    def confirm_rma_shipment(self, request, number, body):
        return call(self.returns, "confirm_shipment", number, body)

    @route("GET", "/api/v1/returns/<number>/label", auth="customer", summary="The return label (PDF download)",
           tags=TAGS, problem_statuses=(404, 409), produces=("application/pdf",))
    def get_rma_label(self, request, number):
        return download(call(self.returns, "label", number))

    @route("POST", "/api/v1/returns/<number>/attachments", auth="customer", response=schemas.AttachmentInfo,
           status=201, summary="Attach a photo (JPEG, PNG, WebP) or a PDF: multipart/form-data, field 'file'",
           tags=TAGS, problem_statuses=(404, 409, 413, 415, 422, 429), max_body_bytes=UPLOAD_MAX_BODY_BYTES,
           upload="file")
    def add_rma_attachment(self, request, number):
        return call(self.returns, "add_attachment", number, upload(request))

    @route("GET", "/api/v1/returns/<number>/attachments/<attachment_id>", auth="customer",
           summary="Download an attachment", tags=TAGS, problem_statuses=(404,), produces=ATTACHMENT_TYPES)
    def get_rma_attachment(self, request, number, attachment_id):
        return download(call(self.returns, "get_attachment", number, attachment_id))

    # -- staff ----------------------------------------------------------------------------------
    @route("GET", "/api/v1/staff/returns", auth="staff", query=schemas.StaffRmaQuery, response=schemas.RmaPage,
           summary="Returns to handle, oldest review deadline first (overdue=true: past it)", tags=STAFF_TAGS)
    def staff_list_rmas(self, request, query):
        return call(self.returns, "staff_list_rmas", query)

    @route("GET", "/api/v1/staff/returns/<number>", auth="staff", response=schemas.Rma, summary="A return",
           tags=STAFF_TAGS, problem_statuses=(404,))
    def staff_get_rma(self, request, number):
        return call(self.returns, "staff_get_rma", number)

    @route("GET", "/api/v1/staff/returns/<number>/attachments/<attachment_id>", auth="staff",
           summary="Download an attachment", tags=STAFF_TAGS, problem_statuses=(404,), produces=ATTACHMENT_TYPES)
    def staff_get_rma_attachment(self, request, number, attachment_id):
        return download(call(self.returns, "staff_get_attachment", number, attachment_id))

    @route("POST", "/api/v1/staff/returns/<number>/review", auth="staff", body=schemas.Review, response=schemas.Rma,
           summary="Approve, ask for details, reject, or offer a commercial resolution", tags=STAFF_TAGS,
           problem_statuses=(404, 409))
    def staff_review_rma(self, request, number, body):
        return call(self.returns, "review", number, schemas.Review().dump(body))

    @route("POST", "/api/v1/staff/returns/<number>/receipt", auth="staff", body=schemas.Receipt, response=schemas.Rma,
           summary="The warehouse accepts or refuses the goods (accept requests the refund or replacement)",
           tags=STAFF_TAGS, problem_statuses=(404, 409))
    def staff_receive_rma(self, request, number, body):
        return call(self.returns, "receive", number, body)

    @route("POST", "/api/v1/staff/returns/<number>/resolution", auth="staff", body=schemas.StaffNote,
           response=schemas.Rma, summary="Refund paid or replacement sent", tags=STAFF_TAGS,
           problem_statuses=(404, 409))
    def staff_resolve_rma(self, request, number, body):
        return call(self.returns, "resolve", number, body)

    @route("POST", "/api/v1/staff/returns/<number>/return-shipment", auth="staff", body=schemas.ReturnShipment,
           response=schemas.Rma, summary="Refused goods sent back to the customer's address", tags=STAFF_TAGS,
           problem_statuses=(404, 409))
    def staff_return_rma_to_customer(self, request, number, body):
        return call(self.returns, "return_to_customer", number, body)

    @route("POST", "/api/v1/staff/returns/<number>/close", auth="staff", body=schemas.StaffNote, response=schemas.Rma,
           summary="Close a return in an end state", tags=STAFF_TAGS, problem_statuses=(404, 409))
    def staff_close_rma(self, request, number, body):
        return call(self.returns, "close", number, body)
