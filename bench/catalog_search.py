"""Catalog search through the gateway, beside the floors measured in the same run.

    python -m bench.catalog_search --url http://127.0.0.1:8000 [--seconds 10] [--clients 1 10]

It starts nothing and generates nothing: point it at a running stack whose
catalog holds the products to search, e.g.

    sportello catalog generate --count 100000     # then: sportello run

Each request is one query of a fixed mix, in turn: words in Italian, German,
Polish, Ukrainian and English (with and without accents, prefixes of the last
word), an exact article code and a code prefix (both taken from the catalog at
start), a second page, a filter. The floors are ``/health/live`` (the gateway
alone) and ``/health/catalog`` (gateway -> RPC -> the catalog's SELECT 1), so the
search row reads as "what the search adds to one hop".
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

import requests

from bench.harness import ROOT, Stack, measure, print_table, save

WORDS = (
    "trapano", "trapano compatto", "seghetto per legno", "perche",       # Italian
    "rasenmäher", "okologisch", "grosse", "heckenschere mit akku",       # German
    "farba akrylowa", "zolc", "błękit pruski", "lakier",                 # Polish
    "телескоп", "телеск", "бінокль", "мікроскоп шкільний",               # Ukrainian
    "shredder", "desk lamp", "label printer", "whiteboard",              # English
)


def query_mix(base_url: str) -> list[dict]:
    """The parameters of every query in the mix; codes come from the catalog being measured."""
    response = requests.get(f"{base_url}/api/v1/catalog/products", params={"per_page": 100}, timeout=30)
    response.raise_for_status()
    page = response.json()
    if not page["items"]:
        raise SystemExit("the catalog is empty: run `sportello catalog generate --count 100000` first")
    codes = [item["code"] for item in page["items"]]
    mix = [{"q": words} for words in WORDS]
    mix += [{"q": codes[n]} for n in (0, 37, 73)]                   # exact codes
    mix += [{"q": codes[n][:-1]} for n in (11, 59)]                 # code prefixes
    mix += [{"q": "trapano", "page": 2}, {"q": "farba", "per_page": 50}, {"q": "", "sort": "price_asc"}]
    print(f"catalog: {page['total']} active products; query mix of {len(mix)}", file=sys.stderr)
    return mix


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running gateway with a catalog (default: start the stack on a fresh "
                                      "catalog of --products generated products)")
    parser.add_argument("--products", type=int, default=100_000, help="products to generate (100000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each measurement (10)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10], help="concurrency levels (1 10)")
    args = parser.parse_args(argv)
    if args.url:
        run(args, args.url.rstrip("/"))
        return
    stack = Stack()
    env = dict(os.environ, SPORTELLO_VAR_DIR=stack.var)
    subprocess.run([sys.executable, "-m", "services.chassis.cli", "catalog", "generate", "--count",
                    str(args.products)], env=env, check=True, cwd=ROOT)
    with stack:
        run(args, stack.url)


def run(args, base_url: str) -> None:
    mix = query_mix(base_url)

    def live(session, _):
        return session.get(f"{base_url}/health/live", timeout=10).status_code == 200

    def one_hop(session, _):
        return session.get(f"{base_url}/health/catalog", timeout=10).status_code == 200

    def search(session, number):
        response = session.get(f"{base_url}/api/v1/catalog/products", params=mix[number % len(mix)], timeout=10)
        return response.status_code == 200

    figures = []
    for clients in args.clients:
        figures.append(measure("floor: gateway only", live, clients, args.seconds))
        figures.append(measure("floor: gateway -> RPC -> catalog SELECT 1", one_hop, clients, args.seconds))
        figures.append(measure("GET /api/v1/catalog/products (mix)", search, clients, args.seconds))
    print_table(figures)
    print(f"saved {save('catalog_search', figures)}")


if __name__ == "__main__":
    main()
