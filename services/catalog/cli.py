"""``sportello catalog ...``: the catalog's own tools, working on the catalog database directly.

    sportello catalog import FILE [--batch-size 500]     upsert products from .csv (header row) or .json (a list)
    sportello catalog generate --count N [--seed 1]      add N synthetic products (for benchmarks)
    sportello catalog demo                               load the demo catalog

The database is ``CATALOG_DATABASE_URL`` (services.chassis.config); it is
migrated first. Progress goes to stderr, one line per batch; the summary to
stdout. ``import`` exits 1 when some rows were rejected, 2 when the file
cannot be read. Price changes made by an import are written to the outbox,
and a running catalog service publishes them.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Iterator

MULTI_VALUE_SEPARATOR = "|"  # in CSV cells of categories, showcases, image_urls


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line, row) pairs: the CSV line where the row starts, or the 1-based position in a JSON list."""
    if path.suffix.lower() == ".json":
        items = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(items, list):
            raise ValueError("a JSON import file holds a list of products")
        yield from enumerate(items, start=1)
        return
    if path.suffix.lower() != ".csv":
        raise ValueError("import reads .csv or .json files")
    with path.open(newline="", encoding="utf-8-sig") as handle:  # -sig: Excel's byte-order mark
        reader = csv.DictReader(handle)
        line = reader.line_num + 1
        for row in reader:
            if None in row:  # more cells than the header has names
                row = dict(row, _extra_cells=row.pop(None))
            yield line, row
            line = reader.line_num + 1


def _unit_of_work():
    from sqlalchemy.orm import sessionmaker

    from services.catalog.schemas import EVENT_SCHEMAS
    from services.chassis.config import load_settings
    from services.chassis.database import UnitOfWork, make_engine
    from services.chassis.migrations import upgrade

    url = load_settings().database_url("catalog")
    upgrade("catalog", url)
    return UnitOfWork(sessionmaker(make_engine(url), expire_on_commit=False), EVENT_SCHEMAS)


def cmd_import(args) -> int:
    from services.catalog import usecases
    from services.chassis.domain import utcnow

    try:
        rows = list(read_rows(Path(args.file)))
    except (OSError, ValueError, csv.Error) as exc:  # json.JSONDecodeError is a ValueError
        print(f"catalog import: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()

    def progress(summary: dict, done: int) -> None:
        print(f"catalog import: {done}/{len(rows)} rows (created {summary['created']}, updated "
              f"{summary['updated']}, rejected {len(summary['rejected'])})", file=sys.stderr, flush=True)

    uow = _unit_of_work()
    try:
        summary = usecases.import_products(uow, rows, utcnow, batch_size=args.batch_size, progress=progress)
    finally:
        uow.close()
    print(f"created {summary['created']}, updated {summary['updated']}, rejected {len(summary['rejected'])} "
          f"in {time.monotonic() - started:.1f}s")
    for rejected in summary["rejected"]:
        print(f"  line {rejected['line']}: {rejected['reason']}")
    return 1 if summary["rejected"] else 0


def cmd_generate(args) -> int:
    from services.catalog.synthetic import generate_products
    from services.chassis.domain import utcnow

    started = time.monotonic()

    def progress(done: int, created: int) -> None:
        print(f"catalog generate: {done}/{args.count} products ({created} new)", file=sys.stderr, flush=True)

    uow = _unit_of_work()
    try:
        created = generate_products(uow, args.count, args.seed, utcnow, batch_size=args.batch_size, progress=progress)
    finally:
        uow.close()
    print(f"generated {created} new products (seed {args.seed}) in {time.monotonic() - started:.1f}s")
    return 0


def cmd_demo(args) -> int:
    from services.catalog.demo_data import load_demo_catalog
    from services.chassis.config import load_settings
    from services.chassis.migrations import upgrade

    url = load_settings().database_url("catalog")
    upgrade("catalog", url)
    print("\n".join(load_demo_catalog(url)))
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sportello catalog", description="The catalog's own tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    importing = commands.add_parser("import", help="upsert products from a .csv or .json file")
    importing.add_argument("file", help=f"CSV with a header row ({MULTI_VALUE_SEPARATOR} separates several "
                                        "categories, showcases or image URLs in a cell) or a JSON list")
    importing.add_argument("--batch-size", type=_positive, default=500, help="rows per transaction (500)")
    importing.set_defaults(handler=cmd_import)

    generate = commands.add_parser("generate", help="add synthetic multilingual products for benchmarks")
    generate.add_argument("--count", type=_positive, required=True)
    generate.add_argument("--seed", type=int, default=1, help="the same seed makes the same products (1)")
    generate.add_argument("--batch-size", type=_positive, default=5000, help="rows per transaction (5000)")
    generate.set_defaults(handler=cmd_generate)

    demo = commands.add_parser("demo", help="load the demo catalog")
    demo.set_defaults(handler=cmd_demo)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
