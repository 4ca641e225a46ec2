"""Schemathesis hooks of tests/security/test_api_contract.py (loaded through its schemathesis.toml).

Generated Idempotency-Keys repeat: hypothesis and the coverage phase start from the same
boundary values ("!!!!!!!!") on every operation, and the second request with a key answers
422 idempotency-key-reused, as documented ("the same key with another request is a 422").
That answer is dropped as a failure when, and only when, the key really was sent before in
this run; any other refusal of a valid key, and every other 422, still fails the test.
(Giving each request a fresh key in before_call instead made ignored_auth misread the edited
case as one sent without its Authorization.)
"""
from collections import Counter

import schemathesis

SENT_KEYS: Counter = Counter()
REUSED = "https://sportello.dev/problems/idempotency-key-reused"


def _key(response) -> str | None:
    return response.request.headers.get("Idempotency-Key")


@schemathesis.hook
def after_call(context, case, response):
    key = _key(response)
    if key is not None:
        SENT_KEYS[key] += 1


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    if response is None or response.status_code != 422 or SENT_KEYS[_key(response)] < 2:
        return True
    try:
        return response.json().get("type") != REUSED
    except ValueError:
        return True
