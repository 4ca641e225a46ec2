"""The desk through the gateway: threads, statuses, read counts, the staff inbox and the desk's mails."""
import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import sessionmaker

from services.chassis.auth import Identity
from services.chassis.database import UnitOfWork, make_engine
from services.chassis.domain import utcnow
from services.messaging.dependencies import MessagingSettings
from services.messaging.domain.threads import Contact
from services.messaging.usecases import desk as desk_usecases
from tests.catalog.harness import assert_problem
from tests.messaging.http.conftest import BASE_URL, STAFF_INBOX


def thread_opened_days_ago(config, days, body, context=None):
    """A thread written ``days`` ago: opened through the use case with that day's clock, in the running
    system's own database (the service itself always runs on the real clock). Any order or RMA it is
    about is taken as the writer's (the checks through orders and returns are tested elsewhere)."""
    class Accounts:
        def contact(self):
            return Contact("old@example.it", "en")

    class References:
        def check_order(self, number):
            pass

        def check_rma(self, number):
            pass

    engine = make_engine(config["DATABASE_URLS"]["messaging"])
    uow = UnitOfWork(sessionmaker(engine, expire_on_commit=False), {})
    try:
        settings = MessagingSettings.from_config(config)
        return desk_usecases.open_thread(uow, Identity(str(uuid.uuid4()), "s", "private"),
                                         {"body": body, "context": context}, Accounts(), References(), settings,
                                         lambda: utcnow() - timedelta(days=days)).id
    finally:
        uow.close()
        engine.dispose()


def test_a_customer_opens_threads_and_sees_them_in_the_overview(desk):
    anna = desk.customer("anna@example.it")
    long_body = "Buongiorno,\n\n   vorrei   sapere " + "quando arriva il mio trapano " * 10
    thread = desk.write(anna, long_body)
    expected = " ".join(long_body.split())[:100].rstrip()
    assert thread["subject"] == expected and len(thread["subject"]) <= 100
    assert (thread["status"], thread["unread"], thread["message_count"], thread["context"]) == ("open", 0, 1, None)
    [message] = thread["messages"]
    assert message["author"] == "customer" and message["body"] == long_body.strip()

    combining = "Cafe\u0301 " * 19 + "e\u0301" * 20  # decomposed accents around the cut
    emoji = "x" * 98 + "\U0001F469\u200d\U0001F4BB is my daughter"
    desk.write(anna, combining)
    newest = desk.write(anna, emoji)
    assert newest["subject"] == "x" * 98  # the emoji sequence would straddle the cut: it stays out whole

    page = desk.overview(anna, per_page=2)
    assert (page["total"], page["pages"], page["page"], page["per_page"]) == (3, 2, 1, 2)
    assert [item["id"] for item in page["items"]][0] == newest["id"]  # last activity first
    assert set(page["items"][0]) >= {"subject", "status", "unread", "last_activity_at"}
    [oldest] = desk.overview(anna, page=2, per_page=2)["items"]
    assert oldest["subject"] == expected
    subjects = {item["subject"] for item in desk.overview(anna)["items"]}
    assert ("Café " * 19 + "é" * 20)[:100].rstrip() in subjects  # composed: 95 + 20 > 100, cut at 100
    assert desk.client.get("/api/v1/messages", params={"per_page": 101}, headers=anna).status_code == 422


def test_replies_move_the_thread_open_answered_open_closed_with_unread_counts_for_each_side(desk, client):
    anna, staff = desk.customer("anna@example.it"), desk.staff()
    thread_id = desk.write(anna, "Is the drill in stock?")["id"]
    [waiting] = desk.inbox(staff)["items"]
    assert (waiting["id"], waiting["status"], waiting["unread"], waiting["overdue"]) == (thread_id, "open", 1, False)
    assert waiting["first_response_due_at"] > waiting["created_at"] and waiting["first_response_at"] is None

    read = client.get(f"/api/v1/staff/messages/{thread_id}", headers=staff).json()
    assert read["unread"] == 0 and read["messages"][0]["author_id"] == read["customer_id"]
    answered = desk.answer(staff, thread_id, "Yes, 12 pieces.")
    assert (answered["status"], answered["first_response_at"] is not None) == ("answered", True)

    [mine] = desk.overview(anna)["items"]
    assert (mine["status"], mine["unread"]) == ("answered", 1)
    opened = client.get(f"/api/v1/messages/{thread_id}", headers=anna).json()
    assert [m["author"] for m in opened["messages"]] == ["customer", "staff"]
    assert "author_id" not in opened["messages"][1]  # customers do not see which staff member wrote
    assert desk.overview(anna)["items"][0]["unread"] == 0  # reading marked it read

    reopened = desk.reply(anna, thread_id, "Then I'll take two.")
    assert reopened["status"] == "open" and desk.inbox(staff)["items"][0]["unread"] == 1
    closed = client.post(f"/api/v1/staff/messages/{thread_id}/close", headers=staff)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_problem(client.post(f"/api/v1/messages/{thread_id}", json={"body": "hello?"}, headers=anna), 409,
                   "thread-closed")
    assert_problem(client.post(f"/api/v1/staff/messages/{thread_id}", json={"body": "hi"}, headers=staff), 409,
                   "thread-closed")


def test_staff_hear_once_per_thread_and_the_customer_gets_a_link_never_the_text(desk):
    anna, staff = desk.customer("anna@example.it", language="it"), desk.staff()
    thread_id = desk.write(anna, "Il mio codice cliente segreto è 4711")["id"]
    desk.reply(anna, thread_id, "Secondo messaggio segreto")
    desk.reply(anna, thread_id, "Terzo messaggio segreto")
    other = desk.write(anna, "Un'altra domanda segreta")["id"]

    alerts = desk.notifications(staff, kind="desk_customer_wrote")
    assert len(alerts) == 2 and {a["recipient"] for a in alerts} == {STAFF_INBOX}  # one per thread
    mails = desk.mails(STAFF_INBOX, 2)
    assert all("segret" not in mail.get_body(("plain",)).get_content() + mail["Subject"] for mail in mails)
    assert {f"{BASE_URL}/staff/messages/{tid}" in "".join(m.get_body(("plain",)).get_content() for m in mails)
            for tid in (thread_id, other)} == {True}

    desk.answer(staff, thread_id, "Risposta dello staff, riservata")
    desk.answer(staff, thread_id, "Ancora una risposta riservata")
    [waiting] = [m for m in desk.mails("anna@example.it", 2) if m["Subject"] != "Benvenuto su Sportello"]
    assert waiting["Subject"] == "Una risposta di Sportello ti aspetta"
    text = waiting.get_body(("plain",)).get_content()
    assert f"{BASE_URL}/messages/{thread_id}" in text.splitlines()
    assert "riservata" not in text and "segret" not in text
    desk.reply(anna, thread_id, "Grazie, ma...")  # after the answer, staff hear of this thread again
    desk.all_sent(staff)
    assert len(desk.mails(STAFF_INBOX, 3)) == 3
    assert len([m for m in desk.smtp.messages() if m["To"] == "anna@example.it"]) == 2  # one per unread batch


def test_the_staff_inbox_filters_by_status_context_and_assignment(desk, client):
    anna, bruno, staff = desk.customer("anna@example.it"), desk.customer("bruno@example.it"), desk.staff()
    first = desk.write(anna, "First question")["id"]
    second = desk.write(bruno, "Second question")["id"]
    # Returns is not running here: the thread about an RMA is opened through the use case (see test_returns.py).
    rma = thread_opened_days_ago(desk.config, 0, "About my return", {"type": "rma", "ref": "RMA-2026-000045"})
    desk.answer(staff, second, "Answered")
    mine = client.post(f"/api/v1/staff/messages/{first}/assign", json={"staff_id": "me"}, headers=staff).json()
    colleague = str(uuid.uuid4())
    client.post(f"/api/v1/staff/messages/{rma}/assign", json={"staff_id": colleague}, headers=staff)

    ids = lambda **query: {item["id"] for item in desk.inbox(staff, **query)["items"]}  # noqa: E731
    assert ids() == {first, second, rma}
    assert ids(status="open") == {first, rma} and ids(status="answered") == {second}
    assert ids(context="rma") == {rma} and ids(context="general") == {first, second}
    assert ids(assigned="me") == {first} and ids(assigned=colleague) == {rma} and ids(assigned="none") == {second}
    assert ids(overdue="true") == set() and ids(overdue="false") == {first, second, rma}
    late = thread_opened_days_ago(desk.config, 3, "Nobody has answered me for three days")
    assert ids(overdue="true") == {late}
    [waiting] = desk.inbox(staff, overdue="true")["items"]
    assert waiting["overdue"] is True and datetime.fromisoformat(waiting["first_response_due_at"]) < utcnow()
    desk.answer(staff, late, "Sorry for the wait")
    assert ids(overdue="true") == set()  # answered late is no longer waiting
    assert mine["assigned_to"] is not None and mine["assigned_to"] != colleague
    unassigned = client.post(f"/api/v1/staff/messages/{first}/assign", json={"staff_id": None}, headers=staff)
    assert unassigned.json()["assigned_to"] is None
    assert desk.inbox(staff, context="rma")["items"][0]["context"] == {"type": "rma", "ref": "RMA-2026-000045"}
    assert client.get("/api/v1/staff/messages", params={"status": "lost"}, headers=staff).status_code == 422


def test_nobody_else_reads_or_writes_a_customers_thread(desk, client):
    anna, bruno, staff = desk.customer("anna@example.it"), desk.customer("bruno@example.it"), desk.staff()
    thread_id = desk.write(anna, "Private question")["id"]
    assert_problem(client.get(f"/api/v1/messages/{thread_id}", headers=bruno), 404, "thread-not-found")
    assert_problem(client.post(f"/api/v1/messages/{thread_id}", json={"body": "hi"}, headers=bruno), 404,
                   "thread-not-found")
    assert_problem(client.get(f"/api/v1/messages/{uuid.uuid4()}", headers=anna), 404, "thread-not-found")
    assert desk.overview(bruno)["total"] == 0
    assert client.get("/api/v1/messages").status_code == 401
    assert client.get("/api/v1/staff/messages", headers=anna).status_code == 403
    assert client.post(f"/api/v1/staff/messages/{thread_id}", json={"body": "x"}, headers=anna).status_code == 403
    assert client.post("/api/v1/messages", json={"body": "x"}, headers=staff).status_code == 403
    assert desk.overview(anna)["items"][0]["message_count"] == 1


def test_bad_messages_are_clear_problems_and_html_is_kept_as_text(desk, client):
    anna = desk.customer("anna@example.it")
    post = lambda body: client.post("/api/v1/messages", json=body, headers=anna)  # noqa: E731
    for body, field in (({"body": ""}, "body"), ({"body": " \n\t "}, "body"), ({"body": "x" * 10_001}, "body"),
                        ({"body": "nul \u0000 here"}, "body"), ({}, "body"), ({"body": "x", "to": "c-1"}, "to"),
                        ({"body": "x", "context": {"type": "order", "ref": "123"}}, "context"),
                        ({"body": "x", "context": {"type": "invoice", "ref": "INV-1"}}, "context")):
        problem = post(body).json()
        assert problem["status"] == 422 and field in problem["errors"], (body, problem)
    assert post({"body": "x" * 10_000}).status_code == 201
    html = "<script>alert('hi')</script> <b>bold</b> &amp;"
    thread = desk.write(anna, html)
    assert thread["messages"][0]["body"] == html and thread["subject"] == html  # stored as text, not escaped
    assert client.get(f"/api/v1/messages/{thread['id']}", headers=anna).json()["messages"][0]["body"] == html
