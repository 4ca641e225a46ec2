"""What an uploaded file is, judged from its bytes and never from its name or declared type."""
from __future__ import annotations

import re
import unicodedata

# Magic numbers of the only formats accepted: photos and PDF documents.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG, WebP or PDF file; None for anything else."""
    for signature, content_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def safe_filename(name: str | None, extension: str) -> str:
    """The uploader's file name, reduced to harmless characters, with the extension of its real type.

    It is only ever shown (and offered in Content-Disposition); files are stored under generated names.
    """
    stem = unicodedata.normalize("NFKD", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = stem.encode("ascii", "ignore").decode().rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:80] or "attachment"
    return f"{stem}.{extension}"
