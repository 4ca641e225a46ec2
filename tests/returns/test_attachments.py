"""Photos and documents on a return: type from the bytes, size and count limits, downloads only."""
from gateway.routes.returns import UPLOAD_MAX_BODY_BYTES
from tests.catalog.harness import assert_problem
from tests.returns.conftest import MAX_BYTES, MAX_COUNT

# Tiny files whose headers declare 16 x 16 pixels: an image whose size cannot be read is refused.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x10" * 2 + bytes(56)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(9) + b"\xff\xc0\x00\x11\x08\x00\x10\x00\x10" + bytes(55)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(7) + b"\x9d\x01\x2a" + b"\x10\x00" * 2 + bytes(50)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, auth, number, name, data, content_type="application/octet-stream"):
    return client.post(f"/api/v1/returns/{number}/attachments", headers=auth, files={"file": (name, data, content_type)})


def test_photos_and_documents_are_judged_by_their_bytes_and_served_as_downloads(shop, client, tmp_path):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    number = shop.open_return(anna, order)["number"]

    photo = upload(client, anna, number, "../../etc/Foto del danno.JPG", PNG, "image/jpeg")
    assert photo.status_code == 201, photo.text
    info = photo.json()
    assert (info["content_type"], info["filename"], info["size"]) == ("image/png", "Foto-del-danno.png", len(PNG))
    forged = upload(client, anna, number, "invoice.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    assert_problem(forged, 422, "attachment-rejected")
    assert_problem(upload(client, anna, number, "big.png", PNG + bytes(MAX_BYTES)), 422, "attachment-rejected")
    # Past the upload route's body limit the gateway answers before reading the body.
    assert_problem(upload(client, anna, number, "huge.png", PNG + bytes(UPLOAD_MAX_BODY_BYTES)), 413, "payload-too-large")
    as_json = client.post(f"/api/v1/returns/{number}/attachments", headers=anna, json={"data": "x"})
    assert_problem(as_json, 415, "unsupported-media-type")
    assert upload(client, anna, number, "receipt.pdf", PDF).json()["content_type"] == "application/pdf"
    assert upload(client, anna, number, "side.webp", WEBP).json()["content_type"] == "image/webp"
    assert_problem(upload(client, anna, number, "more.jpg", JPEG), 422, "too-many-attachments")

    rma = client.get(f"/api/v1/returns/{number}", headers=anna).json()
    assert [a["content_type"] for a in rma["attachments"]] == ["image/png", "application/pdf", "image/webp"]
    assert len(rma["attachments"]) == MAX_COUNT
    path = f"/api/v1/returns/{number}/attachments/{info['id']}"
    download = client.get(path, headers=anna)
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Foto-del-danno.png"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    staff_copy = client.get(f"/api/v1/staff/returns/{number}/attachments/{info['id']}", headers=staff)
    assert staff_copy.status_code == 200 and staff_copy.content == PNG
    # Stored under generated names inside the storage directory, nowhere else.
    stored = [p for p in (tmp_path / "returns").rglob("*") if p.is_file()]
    assert len(stored) == MAX_COUNT and all("danno" not in p.name for p in stored)

    bruno = shop.customer("bruno@example.it")
    assert_problem(client.get(path, headers=bruno), 404, "rma-not-found")
    assert_problem(upload(client, bruno, number, "x.png", PNG), 404, "rma-not-found")
    assert_problem(client.get(f"/api/v1/returns/{number}/attachments/nope", headers=anna), 404, "attachment-not-found")


def test_a_closed_return_takes_no_attachments(shop, client):
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff, items=(("SAW-01", 1),))
    number = shop.open_return(anna, order)["number"]
    shop.staff_step(staff, number, "review", {"decision": "reject", "message": "No."})
    assert_problem(upload(client, anna, number, "late.png", PNG), 409, "illegal-rma-transition")


def test_an_erased_customer_leaves_the_goods_facts_but_no_personal_data(shop, client, tmp_path):
    from tests.accounts.conftest import PASSWORD
    from tests.support.fixtures import wait_until

    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff)
    number = shop.open_return(anna, order)["number"]
    assert upload(client, anna, number, "photo.png", PNG).status_code == 201
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=anna).status_code == 204

    def erased():
        rma = client.get(f"/api/v1/staff/returns/{number}", headers=staff).json()
        return rma if rma["return_address"]["name"] == "[erased]" else None

    rma = wait_until(erased, timeout=15)
    assert rma["attachments"] == [] and rma["message"] == "[erased]" and rma["timeline"][0]["note"] is None
    assert rma["lines"][0]["reference"] == "DRILL-18V" and rma["status"] == "submitted"
    assert not [p for p in (tmp_path / "returns").rglob("*") if p.is_file()]
