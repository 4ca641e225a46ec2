"""A cart's price lookup (orders -> catalog.get_products, on every add-to-cart and checkout) is one
statement: it reads code, name, price, VAT and stock, never the products' categories or showcases."""
from sqlalchemy import event

from services.catalog import usecases


def test_a_price_lookup_is_one_statement_whatever_the_products_taxa(catalog_db):
    catalog_db.add_product(code="PL-1", name="Trapano", categories=["Utensili", "Giardino"], showcases=["Novità"])
    catalog_db.add_product(code="PL-2", name="Seghetto", categories=["Utensili"])
    statements = []
    event.listen(catalog_db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    found = catalog_db.run(usecases.look_up_prices, ["PL-1", "PL-2", "NOPE"])

    assert [p.code for p in found["products"]] == ["PL-1", "PL-2"] and found["missing"] == ["NOPE"]
    assert [p.price.amount for p in found["products"]] and len(statements) == 1, statements
