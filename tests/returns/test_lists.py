"""Returns' lists answer the one envelope; staff list returns by any of the twelve states."""
from sqlalchemy import create_engine, update

from services.returns.adapters.orm import rmas
from services.returns.domain.states import TRANSITIONS
from services.returns.schemas import STATUSES
from tests.catalog.harness import assert_problem


def test_staff_list_returns_in_each_state_and_only_those(shop, client, config):
    assert set(STATUSES) == set(TRANSITIONS)  # the filter offers every state the machine has
    anna, staff = shop.customer(), shop.staff()
    order = shop.deliver_order(anna, staff, items=(("SAW-01", 1), ("DRILL-18V", 1)))
    number = shop.open_return(anna, order, request_type="convenience")["number"]  # line 2 can still go back
    eligible = client.get("/api/v1/returns/eligible-orders", headers=anna).json()
    assert (eligible["page"], eligible["per_page"], eligible["total"], eligible["pages"]) == (1, 20, 1, 1)

    def listed(**params):
        response = client.get("/api/v1/staff/returns", params=params, headers=staff)
        assert response.status_code == 200, response.text
        return [rma["number"] for rma in response.json()["items"]]

    engine = create_engine(config["DATABASE_URLS"]["returns"])
    try:
        for position, status in enumerate(STATUSES):
            with engine.begin() as connection:
                connection.execute(update(rmas).where(rmas.c.number == number).values(status=status))
            assert listed(status=status) == [number], status
            assert listed(status=STATUSES[(position + 1) % len(STATUSES)]) == [], status
            assert [rma["status"] for rma in client.get("/api/v1/returns", params={"status": status},
                                                       headers=anna).json()["items"]] == [status]
    finally:
        engine.dispose()
    refused = assert_problem(client.get("/api/v1/staff/returns", params={"status": "lost"}, headers=staff), 422,
                             "validation-failed")
    assert set(refused["errors"]) == {"status"}
    past = client.get("/api/v1/staff/returns", params={"page": 10_000}, headers=staff).json()
    assert (past["items"], past["total"], past["pages"]) == ([], 1, 1)
    past = client.get("/api/v1/returns/eligible-orders", params={"page": 2}, headers=anna).json()
    assert (past["items"], past["total"], past["pages"]) == ([], 1, 1)
