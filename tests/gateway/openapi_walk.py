"""Walking the gateway's OpenAPI document in tests: its operations, by method and path."""
from collections.abc import Iterator

METHODS = ("get", "put", "post", "patch", "delete")


def operations(document: dict) -> Iterator[tuple[str, dict]]:
    """("POST /api/v1/carts", operation) for every operation of ``document``."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]
