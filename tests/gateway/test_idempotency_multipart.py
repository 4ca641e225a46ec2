"""The fingerprint of a multipart request (gateway.idempotency) takes any parts a client sends.

Found by tests/security/test_api_contract.py: a part whose name werkzeug cannot read
(``name="\\"``) has the name None, and sorting it among named parts raised a TypeError, a 500
on POST /api/v1/returns/{number}/attachments with an Idempotency-Key.
"""
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.idempotency import _parts


def multipart(*parts: bytes) -> Request:
    body = b"".join(b"--b\r\n" + part + b"\r\n" for part in parts) + b"--b--\r\n"
    return Request(EnvironBuilder(method="POST", data=body,
                                  content_type="multipart/form-data; boundary=b").get_environ())


def test_a_part_without_a_readable_name_is_fingerprinted_beside_named_ones():
    request = multipart(b'Content-Disposition: form-data; name="\\"\r\n\r\nnull',
                        b'Content-Disposition: form-data; name="a"\r\n\r\nx')
    assert sorted(map(repr, request.form.items(multi=True))) == ["('a', 'x')", "(None, 'null')"]
    assert _parts(request) == _parts(multipart(b'Content-Disposition: form-data; name="a"\r\n\r\nx',
                                               b'Content-Disposition: form-data; name="\\"\r\n\r\nnull'))
