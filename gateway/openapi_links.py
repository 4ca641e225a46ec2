"""OpenAPI links: which operations take what another one answers (a created cart's id, an order's number).

A client generator shows them as "next steps"; schemathesis' stateful phase follows them, so
that it reaches the carts, orders, returns and threads it made itself instead of guessing ids
(tests/security/test_api_contract.py). Each link names the target's operationId and fills its
path parameter from the source's 2xx response body.
"""
from __future__ import annotations

# source operationId -> {parameter: JSON pointer into the source's response body}, and its targets.
LINKS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "createCart": ({"cart_id": "/id"}, (
        "getCart", "updateCart", "addCartItem", "activateCart", "deactivateCart", "previewCheckout",
        "checkoutCart", "refreshCartPrices", "deleteCart")),
    "addCartItem": ({"cart_id": "/cart/id", "line_id": "/line_id"}, ("setCartItemQuantity", "removeCartItem")),
    "checkoutCart": ({"number": "/number"}, ("getOrder", "printOrder", "orderChannel", "writeAboutOrder")),
    "requestQuote": ({"number": "/number"}, ("getQuote", "acceptQuote", "declineQuote")),
    "createRma": ({"number": "/number"}, (
        "getRma", "rmaChannel", "writeAboutRma", "addRmaAttachment", "getRmaLabel", "resubmitRma",
        "answerRmaOffer", "confirmRmaShipment")),
    "openThread": ({"thread_id": "/id"}, ("readThread", "replyInThread")),
}


def _path_parameters(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}


def add_links(document: dict) -> dict:
    """Puts ``links`` on the success response of every source operation in :data:`LINKS`."""
    operations = {op["operationId"]: op for item in document["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op}
    for source, (pointers, targets) in LINKS.items():
        if source not in operations:
            continue
        success = next(response for status, response in sorted(operations[source]["responses"].items())
                       if status.startswith("2"))
        links = success.setdefault("links", {})
        for target in targets:
            if target not in operations:
                continue
            wanted = _path_parameters(operations[target])
            if not wanted <= set(pointers):  # a target needing what the source does not answer
                continue
            links[target] = {"operationId": target, "parameters": {
                name: f"$response.body#{pointers[name]}" for name in sorted(wanted)}}
    return document
