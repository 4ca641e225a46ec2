"""Secrets stay out of the logs and out of the repository.

A full customer flow runs with every logger at DEBUG (what an operator gets with
SPORTELLO_LOG_LEVEL=DEBUG); the captured log must contain none of the passwords, bearer
tokens, reset tokens or the identity secret used on the way.
"""
import io
import logging
import os
import stat
import subprocess
import time

import pytest

from services.chassis.config import PROJECT_ROOT, identity_secret, load_settings, nameko_config
from services.chassis.observability import configure_logging
from services.chassis.redaction import redact
from tests.accounts.conftest import Accounts, mailed_link, token_of

FIRST_PASSWORD = "violet tractor 81 umbrella"
RESET_PASSWORD = "quiet harbour 23 lantern"
CHANGED_PASSWORD = "copper meadow 56 whistle"


class Captured:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()


@pytest.fixture
def captured():
    """The services' own logging set-up (``sportello run``) at DEBUG, writing into a buffer."""
    root = logging.getLogger()
    handlers, level, amqp_level = root.handlers[:], root.level, logging.getLogger("amqp").level
    configure_logging("sportello", "DEBUG")
    stream = io.StringIO()
    root.handlers[0].setStream(stream)
    yield Captured(stream)
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("amqp").setLevel(amqp_level)


def test_a_full_flow_at_debug_level_logs_no_password_or_token(system, client, config, captured):
    system.start("accounts", "messaging", "gateway")
    accounts = Accounts(client, config)
    assert accounts.register("lena@example.it", password=FIRST_PASSWORD, first_name="Lena").status_code == 201
    first_token = accounts.token("lena@example.it", FIRST_PASSWORD)
    assert accounts.login("lena@example.it", "wrong password 999 x").status_code == 401

    assert client.post("/api/v1/auth/password-reset", json={"email": "lena@example.it"}).status_code == 202
    reset_token = token_of(mailed_link(config, "lena@example.it"))
    confirmed = client.post("/api/v1/auth/password-reset/confirm", json={"token": reset_token,
                                                                         "password": RESET_PASSWORD})
    assert confirmed.status_code == 204, confirmed.text
    assert client.post("/api/v1/auth/password-reset/confirm", json={"token": reset_token,
                                                                    "password": RESET_PASSWORD}).status_code == 422

    second_token = accounts.token("lena@example.it", RESET_PASSWORD)
    other_device = accounts.token("lena@example.it", RESET_PASSWORD)
    auth = accounts.as_user(second_token)
    changed = client.patch("/api/v1/me", json={"current_password": RESET_PASSWORD, "new_password": CHANGED_PASSWORD},
                           headers=auth)
    assert changed.status_code == 200, changed.text
    time.sleep(1.05)  # the gateway's token cache
    assert client.get("/api/v1/me", headers=accounts.as_user(other_device)).status_code == 401  # other sessions end
    assert client.get("/api/v1/me", headers=auth).status_code == 200  # this one goes on
    third_token = accounts.token("lena@example.it", CHANGED_PASSWORD)
    posted = client.post("/api/v1/messages", json={"body": "Hello desk"}, headers=accounts.as_user(third_token))
    assert posted.status_code == 201, posted.text
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {first_token}"}).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=accounts.as_user(third_token)).status_code == 204

    log = "\n".join(captured.lines)
    assert len(captured.lines) > 50 and "DEBUG" in log  # it really logged at DEBUG
    secrets = {"first password": FIRST_PASSWORD, "reset password": RESET_PASSWORD,
               "changed password": CHANGED_PASSWORD, "wrong password": "wrong password 999 x",
               "first token": first_token, "second token": second_token, "third token": third_token,
               "other device's token": other_device,
               "reset token": reset_token, "identity secret": config["IDENTITY_SECRET"]}
    found = {name: next(line for line in captured.lines if secret in line)[:300]
             for name, secret in secrets.items() if secret in log}
    assert not found, found


def test_the_identity_secret_comes_from_the_environment_or_a_private_file_in_var(tmp_path):
    settings = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path)})
    secret = nameko_config(settings)["IDENTITY_SECRET"]
    path = tmp_path / "identity-secret"
    assert len(secret) >= 48 and path.read_text().strip() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert identity_secret(settings) == secret  # made once, then kept: every local process agrees
    from_env = load_settings({"SPORTELLO_VAR_DIR": str(tmp_path / "other"),
                              "SPORTELLO_IDENTITY_SECRET": "from-env" * 4})
    assert nameko_config(from_env)["IDENTITY_SECRET"] == "from-env" * 4
    assert not (tmp_path / "other" / "identity-secret").exists()


def test_no_secret_file_is_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    names = tracked.splitlines()
    assert not [n for n in names if n.startswith("var/") or n.endswith(("identity-secret", ".pem", ".key", ".env"))]
    ignored = subprocess.run(["git", "check-ignore", "var/identity-secret"], cwd=PROJECT_ROOT, capture_output=True)
    assert ignored.returncode == 0
    assert os.environ.get("SPORTELLO_IDENTITY_SECRET", "") not in tracked or not os.environ.get("SPORTELLO_IDENTITY_SECRET")


@pytest.mark.parametrize("line, kept", [
    ("{'result': {'token': 'abc123', 'expires_at': '2026'}}", "'expires_at': '2026'"),
    ('{"password": "p\\"w", "email": "a@b.it"}', '"email": "a@b.it"'),
    ("call(current_password='x y', new_password='z')", "call("),
    ("Authorization: Bearer eyJhbGciOi.abc-_", "Authorization: "),
    ("reset_url=https://shop.example/reset-password?token=s3cr3t&lang=it", "&lang=it"),
    ("{'identity': 'eyJjdXN0b21lcl9pZCI6.sig', 'request_id': 'r-1'}", "'request_id': 'r-1'"),
])
def test_redaction_masks_secret_values_and_keeps_the_rest(line, kept):
    masked = redact(line)
    assert kept in masked and "***" in masked
    for secret in ("abc123", 'p\\"w', "x y", "eyJhbGciOi", "s3cr3t", "eyJjdXN0b21lcl9pZCI6"):
        assert secret not in masked
