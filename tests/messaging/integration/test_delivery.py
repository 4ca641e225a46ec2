"""The sender with real transports: a real SMTP server (or a closed port), real files, a real database."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from sqlalchemy import update

from services.messaging.usecases import account_mail
from services.messaging.adapters.mail import FileMailer, SmtpMailer
from services.messaging.adapters.orm import notifications
from services.messaging.adapters.repositories import Notifications
from services.messaging.adapters.links import LinksUnavailable
from services.messaging.adapters.sms import FileSms
from services.messaging.delivery import NotificationSender
from services.messaging.domain.model import CANCELLED, FAILED, LINK_MARKER, MAX_REFUSALS, PENDING, SENT, LinkWithdrawn
from tests.messaging import events
from tests.support.databases import USE_POSTGRESQL
from tests.support.fixtures import wait_until
from tests.support.smtp import free_port

# A little in the past, so that senders on the real clock find the notifications due.
START = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=5)


class FixedClock:
    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


class Links:
    """accounts' internal_issue_link as the sender meets it: a new link at every ask, or none (withdrawn,
    unreachable) when the test says so. The RPC itself is tested in tests/accounts/test_issue_link.py."""

    def __init__(self):
        self.issued: list[tuple[str, str, str]] = []
        self.withdrawn: set[str] = set()
        self.down = False
        self.asks = 0

    def issue(self, kind, link_id):
        self.asks += 1
        if self.down:
            raise LinksUnavailable("accounts is not running.")
        if link_id in self.withdrawn:
            raise LinkWithdrawn("used")
        url = f"https://shop.example.it/reset-password?token={uuid.uuid4().hex}"
        self.issued.append((kind, link_id, url))
        return url

    @property
    def last(self) -> str:
        return self.issued[-1][2]


def make_sender(store, transports, links=None, **options) -> NotificationSender:
    return NotificationSender(store.sessions, transports, links=links or Links(), **options)


def queue(store, event_type="password_reset_requested", at=START, **fields):
    use_case, factory = {
        "customer_registered": (account_mail.queue_welcome, events.customer_registered),
        "password_reset_requested": (account_mail.queue_password_reset, events.password_reset_requested),
    }[event_type]
    payload = factory(**fields)
    uow = store.uow()
    try:
        return use_case(uow, events.loaded(event_type, payload), lambda: at), payload
    finally:
        uow.close()


def test_a_notification_is_marked_sent_once_the_smtp_server_accepted_it(store, smtp_server):
    notification, payload = queue(store, language="it")
    links = Links()
    sender = make_sender(store, {"email": SmtpMailer(smtp_server.host, smtp_server.port)}, links=links)
    assert sender.deliver_once() == 1
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == payload["email"]
    assert mail["Subject"] == "Reimposta la password di Sportello"
    assert [(kind, link_id) for kind, link_id, _ in links.issued] == [("reset", payload["link_id"])]
    assert links.last in mail.get_body(("plain",)).get_content()
    # multipart/alternative: the same text as HTML, its link clickable (an & in it escaped)
    assert mail.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"]
    html = mail.get_body(("html",)).get_content()
    assert f'<a href="{links.last.replace("&", "&amp;")}"' in html and "Reimposta la password" in html
    row = store.row(notification.id)
    assert (row.status, row.attempts, row.last_error) == (SENT, 1, None)
    assert row.sent_at is not None and row.locked_until is None
    assert LINK_MARKER in row.body and links.last not in row.body  # the link is in the mail, never in the table
    assert sender.deliver_once() == 0


def test_an_smtp_outage_of_any_length_defers_the_batch_and_never_fails_it(store, smtp_server):
    queued = [queue(store, email=f"person{i}@example.it")[0] for i in range(3)]
    clock = FixedClock()
    closed = SmtpMailer("127.0.0.1", free_port(), timeout=2)
    sender = make_sender(store, {"email": closed}, clock=clock)

    assert sender.deliver_once() == 3
    for notification in queued:
        row = store.row(notification.id)
        assert (row.status, row.attempts, row.refusals) == (PENDING, 1, 0)
        assert "cannot connect" in row.last_error
        assert row.next_attempt_at > clock.now and row.locked_until is None
    assert sender.deliver_once() == 0  # not due yet: the server is not hammered

    passes = 3 * MAX_REFUSALS  # an hour of outage at two minutes a pass: three times the refusal budget
    for _ in range(passes - 1):
        clock.advance(minutes=2)  # past the largest back-off (60 s + 20 % jitter)
        assert sender.deliver_once() == 3
    rows = [store.row(n.id) for n in queued]
    assert {(row.status, row.attempts, row.refusals) for row in rows} == {(PENDING, passes, 0)}
    assert all(row.next_attempt_at <= clock.now + timedelta(seconds=72) for row in rows)  # capped back-off
    assert all(row.link_id and LINK_MARKER in row.body for row in rows)  # a link is asked for at each try

    clock.advance(minutes=2)  # the server is back
    sender.transports["email"] = SmtpMailer(smtp_server.host, smtp_server.port)
    assert sender.deliver_once() == 3
    assert sorted(mail["To"] for mail in smtp_server.wait_for(3)) == [f"person{i}@example.it" for i in range(3)]
    assert {store.row(n.id).status for n in queued} == {SENT}


def test_a_message_the_server_keeps_refusing_is_failed_after_the_refusal_budget(store, smtp_server):
    refused, _ = queue(store, email="anna@example.it")
    with store.engine.begin() as conn:  # an address the server answers with 553 (malformed)
        conn.execute(update(notifications).where(notifications.c.id == refused.id).values(recipient="anna@@example.it"))
    clock = FixedClock()
    sender = make_sender(store, {"email": SmtpMailer(smtp_server.host, smtp_server.port)},
                                clock=clock)
    for _ in range(MAX_REFUSALS):
        assert sender.deliver_once() == 1
        clock.advance(minutes=2)
    row = store.row(refused.id)
    assert (row.status, row.attempts, row.refusals) == (FAILED, MAX_REFUSALS, MAX_REFUSALS)
    assert LINK_MARKER in row.body and "553" in row.last_error
    assert sender.deliver_once() == 0  # failed is final


def test_a_message_the_server_refuses_does_not_hold_up_the_others(store, smtp_server):
    refused, _ = queue(store, email="anna@example.it", at=START)
    accepted, _ = queue(store, email="bruno@example.it", at=START + timedelta(seconds=1))
    with store.engine.begin() as conn:  # an address the server answers with 553 (malformed)
        conn.execute(update(notifications).where(notifications.c.id == refused.id).values(recipient="anna@@example.it"))
    sender = make_sender(store, {"email": SmtpMailer(smtp_server.host, smtp_server.port)})
    assert sender.deliver_once() == 2
    assert [mail["To"] for mail in smtp_server.wait_for(1)] == ["bruno@example.it"]
    assert store.row(accepted.id).status == SENT
    row = store.row(refused.id)
    assert (row.status, row.attempts) == (PENDING, 1) and "553" in row.last_error


def test_a_claimed_notification_is_not_claimed_again_until_its_lease_runs_out(store, tmp_path):
    notification, _ = queue(store)
    clock = FixedClock()
    crashed = make_sender(store, {}, clock=clock, lease_seconds=120)
    assert [n.id for n in crashed.claim()] == [notification.id]  # ...and dies before sending
    restarted = make_sender(store, {"email": FileMailer(tmp_path / "mail")}, clock=clock)
    assert restarted.deliver_once() == 0
    clock.advance(seconds=121)
    assert restarted.deliver_once() == 1
    assert store.row(notification.id).status == SENT


@pytest.mark.postgresql
@pytest.mark.skipif(not USE_POSTGRESQL, reason="FOR UPDATE SKIP LOCKED is PostgreSQL's")
def test_two_senders_claiming_at_the_same_moment_take_different_notifications(store):
    first, _ = queue(store, at=START)
    second, _ = queue(store, at=START + timedelta(seconds=1))
    clock = FixedClock(START + timedelta(minutes=1))
    with store.sessions() as session, session.begin():
        # One replica's claim, caught before its commit: its rows are locked.
        held = Notifications(session).claim_due(clock.now, clock.now + timedelta(minutes=2), limit=1)
        assert [n.id for n in held] == [first.id]
        other = make_sender(store, {}, clock=clock)
        assert [n.id for n in other.claim()] == [second.id]  # skipped, not waited for


def test_file_transports_write_one_eml_per_mail_and_one_json_line_per_sms(store, tmp_path):
    mail, _ = queue(store, "customer_registered", language="it")
    sms, payload = queue(store, channel="sms", phone="+393401234567")
    links = Links()
    sender = make_sender(store, {"email": FileMailer(tmp_path / "mail"), "sms": FileSms(tmp_path / "sms")},
                                links=links)
    assert sender.deliver_once() == 2
    [eml] = (tmp_path / "mail").glob("*.eml")
    assert mail.id in eml.name
    assert b"Subject: Benvenuto su Sportello" in eml.read_bytes()
    FileMailer(tmp_path / "mail").send(mail.outgoing(None))  # sent again after a crash: the same file, not a second
    assert len(list((tmp_path / "mail").iterdir())) == 1
    [line] = (tmp_path / "sms" / "outbox.jsonl").read_text().splitlines()
    written = json.loads(line)
    assert (written["id"], written["to"]) == (sms.id, "+393401234567")
    assert links.last in written["body"]
    assert {store.row(mail.id).status, store.row(sms.id).status} == {SENT}


def test_a_channel_without_a_transport_is_recorded_as_a_failed_try(store):
    notification, _ = queue(store, channel="sms", phone="+393401234567")
    make_sender(store, {}).deliver_once()
    row = store.row(notification.id)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert "no transport configured for channel 'sms'" in row.last_error


def test_the_running_sender_wakes_on_kick_and_makes_a_last_pass_when_stopped(store, tmp_path):
    sender = make_sender(store, {"email": FileMailer(tmp_path / "mail")}, poll_interval=30)
    thread = eventlet.spawn(sender.run)
    first, _ = queue(store)
    sender.kick()
    wait_until(lambda: store.row(first.id).status == SENT, timeout=5)
    last, _ = queue(store)  # committed just before the stop, and nobody kicks
    sender.stop()
    with eventlet.Timeout(10):
        thread.wait()
    assert store.row(last.id).status == SENT


@pytest.mark.parametrize("options, refusal", [({"starttls": True}, "STARTTLS"), ({"username": "shop"}, "AUTH")])
def test_tls_or_login_the_server_cannot_do_is_a_channel_down_not_a_silent_plain_send(store, smtp_server,
                                                                                    options, refusal):
    notification, _ = queue(store)
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, password="secret", **options)
    make_sender(store, {"email": mailer}).deliver_once()
    row = store.row(notification.id)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert refusal in row.last_error
    assert smtp_server.messages() == []


class HangUpOnData:
    """A real (if tiny) SMTP server that accepts the envelope, then hangs up in the middle of DATA."""

    def __init__(self):
        self.listener = eventlet.listen(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = eventlet.spawn(self._serve)

    def _serve(self):
        while True:
            connection, _ = self.listener.accept()
            eventlet.spawn(self._session, connection)

    @staticmethod
    def _session(connection):
        stream = connection.makefile("rwb")
        say = lambda text: (stream.write(text.encode() + b"\r\n"), stream.flush())  # noqa: E731
        say("220 ready")
        for line in stream:
            verb = line[:4].upper()
            if verb == b"EHLO":
                say("250 hello")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                say("250 ok")
            elif verb == b"DATA":
                say("354 go ahead")
                break  # ...and hang up before the end of the message
            else:
                say("221 bye")
                break
        stream.close()
        connection.close()

    def stop(self):
        self.thread.kill()
        self.listener.close()


def test_a_server_that_hangs_up_during_a_message_counts_a_refusal_for_that_message_only(store):
    queued = [queue(store, email=f"person{i}@example.it", at=START + timedelta(seconds=i))[0] for i in range(3)]
    server = HangUpOnData()
    try:
        sender = make_sender(store, {"email": SmtpMailer("127.0.0.1", server.port, timeout=2)})
        assert sender.deliver_once() == 3
    finally:
        server.stop()
    rows = [store.row(n.id) for n in queued]
    # The message in flight may be what the server chokes on: it moves toward failing,
    # so that it cannot hold the others back for ever; the others only wait.
    assert [(row.status, row.attempts, row.refusals) for row in rows] == [
        (PENDING, 1, 1), (PENDING, 1, 0), (PENDING, 1, 0)]
    assert all("SMTPServerDisconnected" in row.last_error for row in rows)


def test_a_message_whose_link_is_withdrawn_is_cancelled_not_sent(store, smtp_server):
    withdrawn, payload = queue(store, email="anna@example.it")
    other, _ = queue(store, email="bruno@example.it", at=START + timedelta(seconds=1))
    links = Links()
    links.withdrawn.add(payload["link_id"])  # a newer reset replaced it, or it expired before it went out
    sender = make_sender(store, {"email": SmtpMailer(smtp_server.host, smtp_server.port)}, links=links)
    assert sender.deliver_once() == 2
    assert [mail["To"] for mail in smtp_server.wait_for(1)] == ["bruno@example.it"]
    row = store.row(withdrawn.id)
    assert (row.status, row.attempts) == (CANCELLED, 1) and "link" in row.last_error
    assert store.row(other.id).status == SENT and sender.deliver_once() == 0


def test_accounts_out_of_reach_defers_the_messages_with_links_and_the_others_go(store, smtp_server):
    first, _ = queue(store, email="anna@example.it")
    second, _ = queue(store, email="bruno@example.it", at=START + timedelta(seconds=1))
    welcome, _ = queue(store, "customer_registered", at=START + timedelta(seconds=2), email="carla@example.it")
    links = Links()
    links.down = True
    clock = FixedClock(START + timedelta(minutes=1))
    sender = make_sender(store, {"email": SmtpMailer(smtp_server.host, smtp_server.port)},
                                links=links, clock=clock)
    assert sender.deliver_once() == 3
    assert [mail["To"] for mail in smtp_server.wait_for(1)] == ["carla@example.it"]
    for waiting in (first, second):
        row = store.row(waiting.id)
        assert (row.status, row.attempts, row.refusals) == (PENDING, 1, 0)  # waits, never moves toward failing
        assert "link not issued: accounts is not running" in row.last_error
    assert links.asks == 1  # out of reach once: the rest of the pass does not wait for it again

    links.down = False  # accounts is back: each message asks now, and carries what it got
    clock.advance(minutes=2)
    assert sender.deliver_once() == 2
    mails = {mail["To"]: mail.get_body(("plain",)).get_content() for mail in smtp_server.wait_for(3)}
    assert len(links.issued) == 2 and all(url in "".join(mails.values()) for _, _, url in links.issued)
    assert {store.row(n.id).status for n in (first, second, welcome)} == {SENT}


def test_a_retried_message_asks_for_a_new_link(store, smtp_server):
    notification, _ = queue(store)
    links = Links()
    clock = FixedClock()
    sender = make_sender(store, {"email": SmtpMailer("127.0.0.1", free_port(), timeout=2)},
                                links=links, clock=clock)
    sender.deliver_once()  # the server is down: the link made for this try is thrown away with it
    clock.advance(minutes=2)
    sender.transports["email"] = SmtpMailer(smtp_server.host, smtp_server.port)
    sender.deliver_once()
    [mail] = smtp_server.wait_for(1)
    first, second = (url for _, _, url in links.issued)
    body = mail.get_body(("plain",)).get_content()
    assert second in body and first not in body
    assert store.row(notification.id).status == SENT


class RecordFailsOnce:
    """The sessions the sender opens, the ``fail_at``-th of them (1: the claim, 2: recording the
    first mail's result...) refused once, as a database restarting or a full pool refuses it."""

    def __init__(self, sessions, fail_at: int = 2):
        self.sessions, self.fail_at, self.opened = sessions, fail_at, 0

    def __call__(self):
        self.opened += 1
        if self.opened == self.fail_at:
            from services.chassis.errors import DatabaseUnavailable

            raise DatabaseUnavailable("The database could not be reached. Try again.")
        return self.sessions()


def test_a_mail_the_server_accepted_is_not_sent_again_when_its_record_failed_once(store, smtp_server):
    """Before: the 250 came, writing 'sent' met the database away for a moment, the pass ended there
    and 120 s later the lease ran out and the same mail (same Message-ID) went out a second time; the
    rest of the batch waited those 120 s too. Now the result is written again after a short wait."""
    first, _ = queue(store, email="anna@example.it")
    second, _ = queue(store, email="bruno@example.it", at=START + timedelta(seconds=1))
    clock = FixedClock(START + timedelta(minutes=1))
    sender = NotificationSender(RecordFailsOnce(store.sessions), {"email": SmtpMailer(smtp_server.host,
                                                                                      smtp_server.port)},
                                links=Links(), clock=clock, lease_seconds=120)
    for _ in range(2):
        try:
            sender.deliver_once()
        except Exception:  # what WakeableLoop.run does with a failed pass: log it, go on
            pass
        clock.advance(seconds=121)  # the lease of anything left claimed runs out
    eventlet.sleep(0.5)
    assert sorted(str(mail["To"]) for mail in smtp_server.messages()) == ["anna@example.it", "bruno@example.it"]
    assert (store.row(first.id).status, store.row(second.id).status) == (SENT, SENT)
