"""The synthetic catalog is the same for the same seed, and multilingual."""
from services.catalog.synthetic import synthetic_rows


def test_the_same_seed_makes_the_same_products_and_another_seed_others():
    assert list(synthetic_rows(50, seed=3)) == list(synthetic_rows(50, seed=3))
    assert [r["name"] for r in synthetic_rows(50, seed=3)] != [r["name"] for r in synthetic_rows(50, seed=4)]


def test_codes_are_unique_and_every_language_appears():
    rows = list(synthetic_rows(500, seed=1))
    assert len({row["code"] for row in rows}) == 500
    assert {row["code"].split("-")[1] for row in rows} == {"IT", "DE", "PL", "UA", "EN"}
