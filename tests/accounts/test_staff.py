import os
import subprocess
import sys

from tests.accounts.conftest import STAFF_PASSWORD


def test_create_staff_from_the_command_line_then_log_in_as_staff(accounts, client, config, tmp_path):
    env = dict(os.environ, ACCOUNTS_DATABASE_URL=config["DATABASE_URLS"]["accounts"], SPORTELLO_VAR_DIR=str(tmp_path))
    command = [sys.executable, "-m", "services.chassis.cli", "create-staff", "desk@shop.example", "--role",
               "staff_admin", "--password-stdin"]
    created = subprocess.run(command, input=STAFF_PASSWORD + "\n", env=env, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    again = subprocess.run(command, input=STAFF_PASSWORD + "\n", env=env, capture_output=True, text=True)
    assert again.returncode == 1 and "already registered" in again.stderr

    auth = accounts.as_user(accounts.token("desk@shop.example", STAFF_PASSWORD))
    me = client.get("/api/v1/me", headers=auth).json()
    assert me["kind"] == "staff" and me["staff_role"] == "staff_admin"
    # Staff have no customer area.
    assert client.get("/api/v1/me/billing", headers=auth).status_code == 403
    assert client.get("/api/v1/company/employees", headers=auth).status_code == 403


def test_a_weak_staff_password_is_refused(accounts, config, tmp_path):
    env = dict(os.environ, ACCOUNTS_DATABASE_URL=config["DATABASE_URLS"]["accounts"], SPORTELLO_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "services.chassis.cli", "create-staff", "x@shop.example",
                             "--password-stdin"], input="password1234\n", env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "password" in result.stderr
