"""An erased customer's photos are removed even when removing them fails once (R15).

The fault (the file system refusing one delete) cannot be produced from outside, so the storage
adapter's delete is made to fail once; everything else is the real shop on the real broker.
"""
from services.returns.adapters.storage import AttachmentStore
from tests.accounts.conftest import PASSWORD
from tests.returns.test_attachments import JPEG, PNG, upload
from tests.support.fixtures import wait_until


def test_photos_are_gone_after_erasure_even_when_a_delete_failed_once(shop, client, tmp_path, monkeypatch):
    anna, staff = shop.customer(), shop.staff()
    number = shop.open_return(anna, shop.deliver_order(anna, staff))["number"]
    for name, data in (("front.png", PNG), ("back.jpg", JPEG)):
        assert upload(client, anna, number, name, data).status_code == 201
    stored = tmp_path / "returns"
    files = lambda: sorted(p for p in stored.rglob("*") if p.is_file())  # noqa: E731
    assert len(files()) == 2

    discard, calls = AttachmentStore.discard, []

    def fails_once_on_the_second_file(store, stored_name):
        calls.append(stored_name)
        if len(calls) == 2:  # the first file is already gone: a partial delete
            raise PermissionError(f"[Errno 13] Permission denied: {stored_name!r}")
        return discard(store, stored_name)

    monkeypatch.setattr(AttachmentStore, "discard", fails_once_on_the_second_file)
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=anna).status_code == 204

    wait_until(lambda: len(calls) >= 3, timeout=20)  # it was tried again after the failure
    assert wait_until(lambda: files() == [], timeout=20)
    rma = client.get(f"/api/v1/staff/returns/{number}", headers=staff).json()
    assert rma["attachments"] == [] and rma["return_address"]["name"] == "[erased]" and rma["message"] == "[erased]"
