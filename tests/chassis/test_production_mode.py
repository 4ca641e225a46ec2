"""Production mode (SPORTELLO_ENV=production): what is fine on a laptop stops every process (REVIEW R23).

Refused there: no explicit identity secret, the broker's guest user, a public address that is
not https, and demo data (a staff_admin with the password printed in the README). Anywhere, an
explicit identity secret needs 32 characters.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from services.chassis import cli
from services.chassis.config import PROJECT_ROOT, load_settings

SAFE = {
    "SPORTELLO_ENV": "production",
    "SPORTELLO_IDENTITY_SECRET": "p" * 48,
    "AMQP_URI": "pyamqp://sportello-gateway:s3cret-from-a-secret@127.0.0.1:1/",  # nothing listens on port 1
    "SPORTELLO_PUBLIC_BASE_URL": "https://shop.example.com",
}
PUBLISHED_DEMO_PASSWORD = "demo-password-2026"  # README.md, "make run"


def check(environ):
    from services.chassis.production import check_production

    return check_production(load_settings(environ))


def test_safe_production_settings_pass():
    check(SAFE)


@pytest.mark.parametrize("change, named", [
    ({"SPORTELLO_IDENTITY_SECRET": ""}, "SPORTELLO_IDENTITY_SECRET"),
    ({"AMQP_URI": "pyamqp://guest:guest@rabbitmq:5672/"}, "AMQP_URI"),
    ({"AMQP_URI": ""}, "AMQP_URI"),  # the default is guest on localhost
    ({"AMQP_URI": "amqp://rabbitmq:5672/"}, "AMQP_URI"),  # no user: the client logs in as guest
    ({"SPORTELLO_PUBLIC_BASE_URL": "http://shop.example.com"}, "SPORTELLO_PUBLIC_BASE_URL"),
    ({"SPORTELLO_PUBLIC_BASE_URL": ""}, "SPORTELLO_PUBLIC_BASE_URL"),  # links in mails would name the gateway's http
], ids=["no-identity-secret", "guest", "default-broker", "no-broker-user", "http", "no-public-url"])
def test_production_refuses_each_unsafe_setting_naming_it(change, named):
    from services.chassis.production import UnsafeSettings

    with pytest.raises(UnsafeSettings, match=named):
        check({**SAFE, **change})


def test_development_keeps_the_local_defaults():
    check({})
    check({**SAFE, "SPORTELLO_ENV": "development", "AMQP_URI": "", "SPORTELLO_PUBLIC_BASE_URL": ""})


def test_the_mode_must_be_one_that_exists():
    assert load_settings({}).environment == "development"
    assert load_settings({"SPORTELLO_ENV": "Production"}).environment == "production"
    with pytest.raises(ValueError, match="SPORTELLO_ENV"):
        load_settings({"SPORTELLO_ENV": "prod"})


def test_an_explicit_identity_secret_needs_32_characters_in_every_mode():
    for mode in ("development", "production"):
        with pytest.raises(ValueError, match="at least 32"):
            load_settings({"SPORTELLO_ENV": mode, "SPORTELLO_IDENTITY_SECRET": "s" * 31})
        assert load_settings({"SPORTELLO_ENV": mode, "SPORTELLO_IDENTITY_SECRET": "s" * 32}).identity_secret


# -- the commands that start processes ------------------------------------------------------------
@pytest.fixture
def production(monkeypatch, tmp_path):
    """The process environment of a production installation whose var directory is empty."""
    var = tmp_path / "var"
    for name, value in {**SAFE, "SPORTELLO_VAR_DIR": str(var)}.items():
        monkeypatch.setenv(name, value)
    for service in ("accounts", "catalog", "orders", "returns", "messaging"):
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    return var


def test_run_in_production_refuses_demo_data_before_starting_anything(production, capsys):
    assert cli.main(["run", "--startup-timeout", "1"]) != 0
    assert "--no-demo" in capsys.readouterr().err
    assert not production.exists()  # nothing migrated, no broker asked, no process started


def test_run_in_production_refuses_unsafe_settings_even_without_demo_data(production, monkeypatch, capsys):
    monkeypatch.setenv("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:1/")
    assert cli.main(["run", "--no-demo", "--startup-timeout", "1"]) != 0
    assert "AMQP_URI" in capsys.readouterr().err
    assert not production.exists()


def test_serve_in_production_refuses_unsafe_settings_at_once(production):
    env = {**os.environ, "SPORTELLO_PUBLIC_BASE_URL": "http://shop.example.com"}
    try:
        done = subprocess.run([sys.executable, "-m", "services.chassis.cli", "serve", "gateway"], env=env,
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("`sportello serve gateway` started with an http public address in production")
    assert done.returncode != 0 and "SPORTELLO_PUBLIC_BASE_URL" in done.stderr and "https" in done.stderr


def create_staff(monkeypatch, password):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return cli.main(["create-staff", "boss@example.com", "--role", "staff_admin", "--password-stdin"])


def test_create_staff_refuses_the_published_demo_password_in_production(production, monkeypatch, capsys):
    assert create_staff(monkeypatch, PUBLISHED_DEMO_PASSWORD) != 0
    assert "demo" in capsys.readouterr().err
    assert not production.exists()  # refused before the accounts database was touched


def test_create_staff_takes_the_demo_password_in_development(production, monkeypatch):
    monkeypatch.setenv("SPORTELLO_ENV", "development")
    assert create_staff(monkeypatch, PUBLISHED_DEMO_PASSWORD) == 0
