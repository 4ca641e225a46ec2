"""Importing products (use case and `sportello catalog import`), the generator and the demo catalog."""
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from services.catalog import cli, usecases
from services.catalog.adapters.orm import products, services
from services.catalog.demo_data import load_demo_catalog
from services.catalog.domain.model import Price
from services.catalog.schemas import SearchParams
from services.chassis.domain import utcnow
from services.chassis.tables import outbox_messages

HEADER = "code,name,technical_description,producer,categories,price,currency,vat_rate,stock_status\n"


def count(catalog_db, table, *where):
    with catalog_db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def run_import(catalog_db, rows, **options):
    return catalog_db.run(lambda uow: usecases.import_products(uow, rows, utcnow, **options))


def search_codes(catalog_db, q):
    result = catalog_db.run(usecases.search_products, SearchParams().load({"q": q, "per_page": 100}))
    return [hit["code"] for hit in result["items"]]


def good(code, **fields):
    return {"code": code, "name": f"Prodotto {code}", "price": "10.00", "vat_rate": "22", **fields}


def test_a_bad_row_is_reported_with_its_line_and_the_good_ones_are_kept(catalog_db):
    summary = run_import(catalog_db, [
        (2, good("IM-1")),
        (3, good("IM-2", price="dieci")),
        (4, {"code": "IM-3", "price": "1.00"}),
        (5, good("IM-4", prize="10")),
        (6, good("bad code")),
        (7, "not an object"),
        (8, good("IM-5", categories="Utensili|Giardino", showcases="", image_urls="https://img.example/a.jpg")),
    ])
    assert (summary["created"], summary["updated"]) == (2, 0)
    reasons = {rejected["line"]: rejected["reason"] for rejected in summary["rejected"]}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert reasons[3].startswith("price.amount:")
    assert "name" in reasons[4] and "vat_rate" in reasons[4]
    assert reasons[5].startswith("prize:")
    assert reasons[6].startswith("code:")
    assert search_codes(catalog_db, "prodotto") == ["IM-1", "IM-5"]
    assert [c.name for c in catalog_db.run(usecases.get_product, "IM-5").categories] == ["Giardino", "Utensili"]


def test_importing_again_updates_only_what_the_row_gives_and_publishes_price_changes(catalog_db):
    run_import(catalog_db, [(2, good("IM-1", technical_description="Perché sì", categories="Utensili"))])
    summary = run_import(catalog_db, [(2, {"code": "im-1", "price": "12.00"}), (3, good("IM-2"))])
    assert (summary["created"], summary["updated"], summary["rejected"]) == (1, 1, [])
    product = catalog_db.run(usecases.get_product, "IM-1")
    assert (str(product.price_amount), product.technical_description) == ("12.00", "Perché sì")
    assert [c.name for c in product.categories] == ["Utensili"]
    [payload] = [json.loads(row) for row in _outbox_payloads(catalog_db)]
    assert (payload["code"], payload["old_price"]["amount"], payload["new_price"]["amount"]) == ("IM-1", "10.00", "12.00")


def _outbox_payloads(catalog_db):
    with catalog_db.engine.connect() as connection:
        return connection.execute(select(outbox_messages.c.payload)).scalars().all()


REFUSE_BAD_DB = {
    "sqlite": ["CREATE TRIGGER refuse_bad_db BEFORE INSERT ON products WHEN new.code = 'BAD-DB' "
               "BEGIN SELECT RAISE(ABORT, 'refused'); END"],
    "postgresql": ["CREATE FUNCTION refuse_bad_db() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "IF NEW.code = 'BAD-DB' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$",
                   "CREATE TRIGGER refuse_bad_db BEFORE INSERT ON products FOR EACH ROW EXECUTE FUNCTION refuse_bad_db()"],
}


def test_a_row_the_database_refuses_costs_only_that_row_of_its_batch(catalog_db):
    with catalog_db.engine.begin() as connection:
        for statement in REFUSE_BAD_DB[connection.dialect.name]:
            connection.execute(text(statement))
    progress = []
    rows = [(n + 2, good(code)) for n, code in enumerate(["IM-1", "IM-2", "BAD-DB", "IM-3", "IM-4"])]
    summary = run_import(catalog_db, rows, batch_size=2, progress=lambda s, done: progress.append(done))
    assert (summary["created"], summary["updated"]) == (4, 0)
    assert [(r["line"], r["reason"].split(":")[0]) for r in summary["rejected"]] == [(4, "refused by the database")]
    assert progress == [2, 4, 5]
    assert search_codes(catalog_db, "prodotto") == ["IM-1", "IM-2", "IM-3", "IM-4"]


@pytest.fixture
def catalog_env(monkeypatch, catalog_db, tmp_path):
    monkeypatch.setenv("CATALOG_DATABASE_URL", catalog_db.url)
    monkeypatch.setenv("SPORTELLO_VAR_DIR", str(tmp_path / "var"))
    return tmp_path


def test_cli_imports_a_csv_file_and_reports_rejected_lines(catalog_env, catalog_db, capsys):
    path = catalog_env / "products.csv"
    path.write_text("\ufeff" + HEADER +
                    'CSV-1,"Farba akrylowa, żółć",Szybkoschnąca,Zakłady Łódź,Farby|Wnętrza,19.90,PLN,23,in_stock\n'
                    "CSV-2,Телескоп,Оптичний прилад,,Оптика,129.00,EUR,20,sold_out\n"
                    "CSV-3,Bullone,,,,0.10,EUR,22,\n", encoding="utf-8")
    assert cli.main(["import", str(path), "--batch-size", "2"]) == 1
    out, err = capsys.readouterr()
    assert "created 2, updated 0, rejected 1" in out
    assert "line 3: stock_status:" in out
    assert "catalog import: 3/3 rows" in err
    assert search_codes(catalog_db, "zolc") == ["CSV-1"]
    assert catalog_db.run(usecases.get_product, "CSV-1").price == Price(Decimal("19.90"), "PLN")


def test_cli_imports_a_json_list(catalog_env, catalog_db, capsys):
    path = catalog_env / "products.json"
    path.write_text(json.dumps([good("JS-1", price={"amount": "5.00", "currency": "EUR"}, categories=["A", "B"]),
                                good("JS-2")]), encoding="utf-8")
    assert cli.main(["import", str(path)]) == 0
    assert "created 2, updated 0, rejected 0" in capsys.readouterr().out
    assert count(catalog_db, products) == 2


@pytest.mark.parametrize("name, content", [("missing.csv", None), ("object.json", '{"code": "X"}'),
                                           ("broken.json", "[{"), ("products.xlsx", "x")])
def test_cli_refuses_a_file_it_cannot_read(catalog_env, capsys, name, content):
    path = catalog_env / name
    if content is not None:
        path.write_text(content)
    assert cli.main(["import", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_generates_a_synthetic_catalog_and_skips_codes_already_there(catalog_env, catalog_db, capsys):
    assert cli.main(["generate", "--count", "300", "--seed", "7", "--batch-size", "128"]) == 0
    assert "generated 300 new products" in capsys.readouterr().out
    assert count(catalog_db, products) == 300
    assert cli.main(["generate", "--count", "300", "--seed", "7"]) == 0
    assert "generated 0 new products" in capsys.readouterr().out
    found = catalog_db.run(usecases.search_products, SearchParams().load({"q": "телеск"}))
    assert found["total"] > 0


def test_the_demo_catalog_loads_once_in_five_languages(catalog_db):
    first = load_demo_catalog(catalog_db.url)
    assert "300 products (300 new), 6 services new" in first[0]
    assert "(0 new), 0 services new" in load_demo_catalog(catalog_db.url)[0]
    assert count(catalog_db, products) == 300
    assert count(catalog_db, services, services.c.pricing == "quote") == 3
    assert count(catalog_db, services, services.c.pricing == "fixed") == 3
    for q in ("zolc", "телеск", "okologisch", "perche", "shredder"):
        assert search_codes(catalog_db, q), q
