"""Two staff members act on one desk thread at the same moment, each request served by another replica of
messaging (REVIEW R4, issue 17). The thread row is locked for every change (adapters/threads.py), so:

* two answers at once are both kept, one after the other, and the customer gets one "a reply is waiting"
  mail (the second answer finds one already unread);
* a close beside an answer: the thread ends closed either way (the answer first, or a 409 thread-closed
  for an answer after the close), never reopened by an answer that read it open.

Evidence: the HTTP answers, the thread as the customer sees it and the mails in the SMTP mailbox.
PostgreSQL runs two replicas; SQLite one process, where transactions take turns: the same answers.
"""
from __future__ import annotations

import pytest

from tests.messaging.http.conftest import Desk, configure_messaging
from tests.orders.concurrency import clients, side_by_side  # noqa: F401  (clients: a fixture)
from tests.support.databases import USE_POSTGRESQL

LOOPS = 20
REPLY_WAITING = ("A reply from Sportello is waiting for you", "Una risposta di Sportello ti aspetta")


@pytest.fixture
def desk(system, client, config, smtp_server, catalog, tmp_path):
    configure_messaging(config, smtp_server, tmp_path)
    system.start("accounts", "catalog", "orders", "messaging", "gateway")
    if USE_POSTGRESQL:
        system.start_replica("messaging")
    return Desk(client, config, smtp_server)


def test_two_concurrent_answers_are_both_kept_and_mailed_once(desk, client, clients, smtp_server):
    anna, staff = desk.customer("anna@example.it"), desk.staff()
    desk.all_sent(staff)
    for loop in range(LOOPS):
        thread_id = desk.write(anna, f"Question {loop}: when does my drill arrive?")["id"]
        path = f"/api/v1/staff/messages/{thread_id}"
        responses = side_by_side(clients, [(path, {"body": "Tomorrow."}), (path, {"body": "By noon."})], staff)
        assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
        [listed] = [t for t in desk.overview(anna, per_page=100)["items"] if t["id"] == thread_id]
        assert (listed["message_count"], listed["unread"], listed["status"]) == (3, 2, "answered"), listed
        seen = client.get(f"/api/v1/messages/{thread_id}", headers=anna).json()  # read: unread goes to 0
        assert sorted(m["body"] for m in seen["messages"][1:]) == ["By noon.", "Tomorrow."]

    desk.all_sent(staff)
    waiting = [m for m in smtp_server.messages() if m["To"] == "anna@example.it" and m["Subject"] in REPLY_WAITING]
    assert len(waiting) == LOOPS, f"{len(waiting)} reply-waiting mails for {LOOPS} threads"


def test_a_close_beside_an_answer_leaves_the_thread_closed(desk, client, clients):
    anna, staff = desk.customer("anna@example.it"), desk.staff()
    for loop in range(LOOPS):
        thread_id = desk.write(anna, f"Question {loop}: is the drill in stock?")["id"]
        path = f"/api/v1/staff/messages/{thread_id}"
        answered, closed = side_by_side(clients, [(path, {"body": "Yes."}), (f"{path}/close", None)], staff)
        assert closed.status_code == 200, closed.text
        assert answered.status_code in (201, 409), answered.text
        seen = client.get(f"/api/v1/messages/{thread_id}", headers=anna).json()
        assert seen["status"] == "closed", (answered.status_code, seen)
        assert seen["message_count"] == (2 if answered.status_code == 201 else 1), seen
        if answered.status_code == 409:
            assert answered.json()["type"].endswith("/thread-closed"), answered.text
