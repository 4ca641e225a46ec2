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


IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def is_image(content_type: str) -> bool:
    return content_type in IMAGE_TYPES


def image_size(data: bytes, content_type: str) -> tuple[int, int] | None:
    """(width, height) as the image's header declares them, read without decoding a pixel; None if unreadable.

    Nothing in Sportello decodes an uploaded image, but staff open them in browsers and
    viewers: a few hundred bytes claiming 60000 x 60000 pixels (a decompression bomb) would
    take gigabytes there. The header says how big the image will be, so that is checked.
    None means the size is unknown -- which could be any size: callers refuse such an image
    (decoders are more forgiving than this reader: a stray byte before a JPEG's frame header
    stops the walk here, and a viewer skips it and finds the bomb's size).
    """
    try:
        size = None
        if content_type == "image/png" and data[12:16] == b"IHDR":
            size = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        elif content_type == "image/webp":
            size = _webp_size(data)
        elif content_type == "image/jpeg":
            size = _jpeg_size(data)
    except IndexError:
        return None
    # Zero pixels wide or high is no image a viewer shows; it says nothing about the real size.
    return size if size is not None and min(size) > 0 else None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:  # extended: the canvas size, 24 bits each, minus one
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:  # lossless: 14 bits each, minus one
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30:  # lossy: 14 bits each in the key frame header
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None


# Start-of-frame markers (baseline, progressive, lossless...); C4, C8 and CC are other segments.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the segments to the first start-of-frame; its header holds height and width."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _JPEG_STANDALONE:
            i += 2
            continue
        if marker in _JPEG_SOF:
            if i + 9 > len(data):
                return None
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        if marker == 0xDA:  # start of scan before any frame header: not a usable JPEG
            return None
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return None


def safe_filename(name: str | None, extension: str) -> str:
    """The uploader's file name, reduced to harmless characters, with the extension of its real type.

    It is only ever shown (and offered in Content-Disposition); files are stored under generated names.
    """
    stem = unicodedata.normalize("NFKD", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = stem.encode("ascii", "ignore").decode().rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:80] or "attachment"
    return f"{stem}.{extension}"
