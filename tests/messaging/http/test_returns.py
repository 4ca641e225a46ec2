"""Real returns through the gateway: an RMA's message channel (checked with returns) and the return mails.

An order is delivered for real (checkout, staff move it to delivered), the
customer requests a return through /api/v1/returns, and returns' events reach
messaging over the broker; the mails arrive at the real SMTP server.
"""
import pytest

from tests.catalog.harness import assert_problem
from tests.messaging.http.conftest import BASE_URL, Desk, configure_messaging
from tests.returns.conftest import ReturnsShop
from tests.support.fixtures import wait_until

DRILLS = (("DRILL-18V", 2),)  # the messaging tests' catalog has one product


class ReturnsDesk(Desk, ReturnsShop):
    """The desk (threads, inbox, mail) plus the returns steps of the returns tests."""

    def return_for(self, auth, staff) -> str:
        order = self.deliver_order(auth, staff, items=DRILLS)
        return self.open_return(auth, order, lines=((1, 1),))["number"]

    def mail(self, to: str, subject: str, timeout: float = 15.0):
        """The mail to ``to`` with this subject, once it has arrived."""
        return wait_until(lambda: next((m for m in self.smtp.messages() if m["To"] == to and m["Subject"] == subject),
                                       None), timeout=timeout)


@pytest.fixture
def shop(system, client, config, smtp_server, catalog, tmp_path):
    configure_messaging(config, smtp_server, tmp_path)
    config["RETURNS"] = {"storage_dir": str(tmp_path / "returns")}
    system.start("accounts", "catalog", "orders", "returns", "messaging", "gateway")
    return ReturnsDesk(client, config, smtp_server)


def test_an_rmas_channel_belongs_to_its_customer_and_staff_see_it_in_the_inbox(shop, client):
    anna, bruno, staff = shop.customer("anna@example.it"), shop.customer("bruno@example.it"), shop.staff()
    number = shop.return_for(anna, staff)
    channel = f"/api/v1/returns/{number}/messages"

    assert client.get(channel, headers=anna).json() == {"rma_number": number, "thread": None}
    first = client.post(channel, json={"body": "The drill will not charge at all."}, headers=anna)
    assert first.status_code == 201, first.text
    thread = first.json()
    assert thread["context"] == {"type": "rma", "ref": number} and thread["status"] == "open"
    again = shop.write(anna, "Shall I send the charger too?", context={"type": "rma", "ref": number})
    assert again["id"] == thread["id"] and again["message_count"] == 2  # one channel per RMA
    assert [m["body"] for m in client.get(channel, headers=anna).json()["thread"]["messages"]] == [
        "The drill will not charge at all.", "Shall I send the charger too?"]

    for response in (client.get(channel, headers=bruno), client.post(channel, json={"body": "mine?"}, headers=bruno),
                     client.post("/api/v1/messages", json={"body": "x", "context": {"type": "rma", "ref": number}},
                                 headers=bruno),
                     client.get("/api/v1/returns/RMA-2026-999999/messages", headers=anna)):
        assert_problem(response, 404, "rma-not-found")
    assert shop.overview(bruno)["total"] == 0
    assert client.get(channel, headers=staff).status_code == 403  # staff answer from the inbox

    [listed] = shop.inbox(staff, context="rma", ref=number)["items"]
    assert listed["id"] == thread["id"] and listed["unread"] == 2 and listed["context"]["ref"] == number
    shop.answer(staff, thread["id"], "Yes, please include the charger.")
    waiting = [m for m in shop.mails("anna@example.it", 3) if m["Subject"] == "A reply from Sportello is waiting for you"]
    assert f"answered your message about return {number}." in waiting[0].get_body(("plain",)).get_content()
    assert client.get(channel, headers=anna).json()["thread"]["unread"] == 0  # reading the channel marks it read


def test_the_return_mails_arrive_in_the_customers_language_at_each_step(shop, client):
    anna, staff = shop.customer("anna@example.it", language="it"), shop.staff()
    shop.mails("anna@example.it")  # the welcome: messaging knows anna reads Italian
    number = shop.return_for(anna, staff)
    link = f"{BASE_URL}/returns/{number}"

    def mail(subject):
        return shop.mail("anna@example.it", subject)

    created = mail(f"Abbiamo ricevuto la tua richiesta di reso {number}")
    text = created.get_body(("plain",)).get_content()
    assert "  1 x Trapano a batteria 18V (DRILL-18V)" in text and "La esamineremo entro il " in text
    assert link in text.splitlines()

    shop.staff_step(staff, number, "review", {"decision": "approve", "message": "Rispediscilo con il caricatore."})
    approved = mail(f"Il tuo reso {number} è stato approvato").get_body(("plain",)).get_content()
    assert "Stampa l'etichetta di reso" in approved and "La nostra nota: Rispediscilo con il caricatore." in approved
    assert "L'etichetta di reso è prepagata" in approved and link in approved

    shop.customer_step(anna, number, "shipment", {"carrier": "BRT", "tracking_number": "BRT-1"})
    shop.staff_step(staff, number, "receipt", {"decision": "accept", "note": ""})
    assert "e l'ha accettata." in mail(f"La merce del tuo reso {number} è stata accettata").get_body(("plain",)).get_content()
    refund = mail(f"Il rimborso del tuo reso {number} è in arrivo").get_body(("plain",)).get_content()
    assert "entro 48 ore" in refund and "EUR" in refund
    shop.staff_step(staff, number, "resolution", {"note": "Rimborsato."})
    shop.staff_step(staff, number, "close", {"note": ""})
    assert "è ora chiuso: è stato risolto." in mail(f"Il tuo reso {number} è chiuso").get_body(("plain",)).get_content()

    shop.all_sent(staff)
    mine = [n for n in shop.notifications(staff) if n["kind"].startswith("rma_")]
    assert sorted(n["kind"] for n in mine) == ["rma_accepted", "rma_approved", "rma_closed", "rma_created",
                                               "rma_refund"]  # one each; shipping and resolving send none
    assert {n["language"] for n in mine} == {"it"} and len({n["customer_id"] for n in mine}) == 1
