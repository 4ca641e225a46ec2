"""Files of a return: photos and documents the customer attaches, and the return label."""
from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import timedelta

from services.chassis.auth import Identity
from services.returns.adapters.label_pdf import label_pdf
from services.returns.adapters.repositories import Attachments
from services.returns.domain.errors import AttachmentNotFound, AttachmentQuotaExceeded, AttachmentRejected
from services.returns.domain.files import image_size, is_image, safe_filename, sniff
from services.returns.domain.model import Attachment
from services.returns.usecases.access import acting_rma, staff_rma, visible_rma


def add_attachment(uow, caller: Identity, number: str, upload: dict, store, policy, clock) -> Attachment:
    """Check the file by its bytes, store it under a generated name, then record it; all or nothing."""
    try:
        data = base64.b64decode(upload["data"], validate=True)
    except (binascii.Error, ValueError):
        raise AttachmentRejected("The file did not arrive intact.") from None
    if not data or len(data) > policy.attachment_max_bytes:
        raise AttachmentRejected(f"A file may have 1 to {policy.attachment_max_bytes} bytes; this has {len(data)}.",
                                 fields={"file": ["Too large." if data else "Empty."]},
                                 extra={"max_bytes": policy.attachment_max_bytes})
    kind = sniff(data)
    if kind is None:  # whatever the name or the declared type said
        raise AttachmentRejected("Attach JPEG, PNG or WebP photos and PDF documents.",
                                 fields={"file": ["Not a JPEG, PNG, WebP or PDF file."]})
    content_type, extension = kind
    if is_image(content_type):
        check_image_size(data, content_type, policy)
    rma = acting_rma(uow, caller, number)
    check_customer_quota(uow, caller, len(data), policy, clock())
    stored_name = store.save(rma.id, data, extension)
    try:
        attachment = Attachment(safe_filename(upload.get("filename"), extension), content_type, len(data),
                                hashlib.sha256(data).hexdigest(), stored_name, caller.customer_id, clock())
        rma.attach(attachment, policy)
        uow.commit()
    except BaseException:
        store.discard(stored_name)  # no row, no file
        raise
    return attachment


def check_image_size(data: bytes, content_type: str, policy) -> None:
    """Refuse an image that claims too many pixels, or whose size cannot be read (it could be any size)."""
    size = image_size(data, content_type)
    if size is None:  # fail closed: a viewer may well find a bomb's size where this reader found none
        raise AttachmentRejected("The image's size could not be read from its header; save it again as a "
                                 "standard JPEG, PNG or WebP file.",
                                 fields={"file": ["The image's dimensions cannot be read."]})
    if size[0] * size[1] > policy.attachment_max_image_pixels:
        raise AttachmentRejected(f"Images may have at most {policy.attachment_max_image_pixels} pixels; "
                                 f"this one claims {size[0]} x {size[1]}.",
                                 fields={"file": ["The image is too large (in pixels)."]},
                                 extra={"max_pixels": policy.attachment_max_image_pixels})


def check_customer_quota(uow, caller: Identity, size: int, policy, now) -> None:
    """At most so many files and bytes per customer within the window, over all their returns (429)."""
    window = timedelta(hours=policy.attachment_customer_window_hours)
    count, total, oldest = Attachments(uow.session).uploaded_since(caller.customer_id, now - window)
    if count + 1 > policy.attachment_max_count_per_customer or total + size > policy.attachment_max_bytes_per_customer:
        retry_after = max(1, int(((oldest or now) + window - now).total_seconds()) + 1)
        raise AttachmentQuotaExceeded(
            f"At most {policy.attachment_max_count_per_customer} files and "
            f"{policy.attachment_max_bytes_per_customer} bytes per {policy.attachment_customer_window_hours} hours.",
            extra={"retry_after": retry_after, "max_count": policy.attachment_max_count_per_customer,
                   "max_bytes": policy.attachment_max_bytes_per_customer})


def attachment_file(uow, caller: Identity | None, number: str, attachment_id: str, store) -> dict:
    """The file for its owner (``caller``) or for staff (``caller`` None)."""
    rma = staff_rma(uow, number, lock=False) if caller is None else visible_rma(uow, caller, number)
    attachment = next((a for a in rma.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise AttachmentNotFound("No such attachment.")
    return _file(attachment.filename, attachment.content_type, store.read(attachment.stored_name))


def label(uow, caller: Identity, number: str, policy) -> dict:
    rma = visible_rma(uow, caller, number)
    rma.ensure_label()
    uow.session.expunge(rma)  # fully loaded (selectin): it stays readable without the session
    uow.rollback()  # nothing to write: give the connection back before the CPU work
    return _file(f"{rma.number}-label.pdf", "application/pdf", label_pdf(rma, policy))


def _file(filename: str, content_type: str, data: bytes) -> dict:
    return {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}

