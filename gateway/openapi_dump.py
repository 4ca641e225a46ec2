"""Prints the gateway's OpenAPI document without a running system: ``python -m gateway.openapi_dump``.

The same document GET /api/v1/openapi.json serves (built from the routes, nothing is started), for
generating a client (make typescript-client) or reading it offline. Its server is
SPORTELLO_PUBLIC_BASE_URL when set, else "/", as the served one.
"""
from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.openapi_dump", description=__doc__.splitlines()[0])
    parser.add_argument("--output", metavar="FILE", help="write it to FILE instead of standard output")
    args = parser.parse_args(argv)
    from gateway.openapi import build_spec
    from gateway.service import GatewayService

    server_url = os.environ.get("SPORTELLO_PUBLIC_BASE_URL", "").rstrip("/") or "/"
    text = json.dumps(build_spec(GatewayService, server_url=server_url), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
