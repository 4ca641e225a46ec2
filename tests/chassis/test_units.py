"""Chassis pieces that need no broker: back-off, request ids, settings."""
from services.chassis.config import load_settings
from services.chassis.outbox import MAX_BACKOFF_SECONDS, backoff_seconds
from gateway.http import accept_request_id


def test_backoff_grows_and_is_capped():
    assert 0.4 <= backoff_seconds(1) <= 0.6
    assert backoff_seconds(4) > backoff_seconds(1)
    assert backoff_seconds(50) <= MAX_BACKOFF_SECONDS * 1.2


def test_request_ids_are_kept_only_when_safe_to_log():
    assert accept_request_id("abc-123_x.y:z") == "abc-123_x.y:z"
    assert accept_request_id("a" * 129) != "a" * 129
    assert accept_request_id("bad id\n") != "bad id\n"
    assert len(accept_request_id(None)) == 32


def test_settings_default_to_local_sqlite_and_follow_the_environment(tmp_path):
    defaults = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path)})
    assert defaults.database_url("orders") == f"sqlite:///{tmp_path}/orders.sqlite3"
    assert defaults.amqp_uri.startswith("pyamqp://")
    custom = load_settings({"ORDERS_DATABASE_URL": "postgresql+psycopg://o@db/orders", "GATEWAY_ADDRESS": "0.0.0.0:9000"})
    assert custom.database_url("orders") == "postgresql+psycopg://o@db/orders"
    assert custom.gateway_url == "http://0.0.0.0:9000"


def test_the_identity_secret_is_made_once_privately_and_then_shared(tmp_path):
    import os
    import stat

    from services.chassis.config import identity_secret

    settings = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path)})
    first = identity_secret(settings)
    assert len(first) >= 40
    assert identity_secret(settings) == first
    assert stat.S_IMODE(os.stat(tmp_path / "identity-secret").st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["identity-secret"]
    explicit = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path), "SPORTELLO_IDENTITY_SECRET": "from-env" * 4})
    assert identity_secret(explicit) == "from-env" * 4


def test_mail_goes_to_files_unless_an_smtp_host_is_set(tmp_path):
    from services.chassis.config import nameko_config

    local = nameko_config(load_settings({"SPORTELLO_VAR_DIR": str(tmp_path)}))
    assert (local["MAIL"]["transport"], local["MAIL"]["file_dir"]) == ("file", str(tmp_path / "mail"))
    assert local["SMS"] == {"transport": "file", "file_dir": str(tmp_path / "sms")}
    smtp = load_settings({"SMTP_HOST": "mailcatcher", "SMTP_PORT": "1025", "SMTP_STARTTLS": "true",
                          "SMTP_USERNAME": "shop", "SMTP_PASSWORD": "hunter2-secret"})
    assert (smtp.mail_transport, smtp.smtp_host, smtp.smtp_port, smtp.smtp_starttls) == ("smtp", "mailcatcher", 1025, True)
    assert "hunter2-secret" not in repr(smtp)
    assert load_settings({"SMTP_HOST": "mailcatcher", "MAIL_TRANSPORT": "file"}).mail_transport == "file"


def test_work_in_background_runs_beside_the_caller_and_hands_over_its_result_or_error(capfd):
    import eventlet
    import eventlet.event
    import pytest

    from services.chassis.rpc import in_background

    gate = eventlet.event.Event()
    with eventlet.Timeout(5):  # had it run before returning, it would wait for the gate for ever
        background = in_background(lambda: gate.wait() + 1)
        gate.send(41)
        assert background.wait() == 42

    failing = in_background(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.wait()
    assert "Traceback" not in capfd.readouterr().err  # handed over, not printed as a crash
