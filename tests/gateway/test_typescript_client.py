"""The TypeScript client generated from the OpenAPI document type-checks its example program
(examples/typescript-client, make typescript-client), and a document that drifted does not.

Runs openapi-typescript and tsc from the example's pinned npm packages, in a temporary folder so
that the SQLite and PostgreSQL suites running side by side in CI do not write the same files.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.openapi import build_spec
from gateway.service import GatewayService

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "typescript-client"
MODULES = EXAMPLE / "node_modules"


@pytest.fixture(scope="module")
def packages():
    if shutil.which("npm") is None:
        pytest.fail("npm is missing: node 20 and npm are needed to check the TypeScript client (docs/api.md)")
    if not (MODULES / ".package-lock.json").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=EXAMPLE, check=True,
                       timeout=300)
    return MODULES / ".bin"


def type_check(packages: Path, folder: Path, document: dict) -> subprocess.CompletedProcess:
    """openapi-typescript on ``document``, then tsc --noEmit on the example program, in ``folder``."""
    (folder / "src").mkdir()
    shutil.copy(EXAMPLE / "src" / "main.ts", folder / "src" / "main.ts")
    shutil.copy(EXAMPLE / "tsconfig.json", folder / "tsconfig.json")
    (folder / "node_modules").symlink_to(MODULES)
    (folder / "openapi.json").write_text(json.dumps(document))
    subprocess.run([str(packages / "openapi-typescript"), "openapi.json", "--default-non-nullable", "false",
                    "--output", "src/api.d.ts"], cwd=folder, check=True, capture_output=True, timeout=120)
    return subprocess.run([str(packages / "tsc"), "--noEmit", "-p", "."], cwd=folder, capture_output=True,
                          text=True, timeout=300)


def test_the_generated_client_type_checks_the_example_program(packages, tmp_path):
    checked = type_check(packages, tmp_path, build_spec(GatewayService))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_document_that_drifted_breaks_the_type_check(packages, tmp_path):
    # The login answer's token renamed, and money documented as a number (as it once was): a
    # frontend built on the old document would break, and so does the type check.
    drifted = json.loads(json.dumps(build_spec(GatewayService)))
    login = drifted["components"]["schemas"]["LoginResult"]["properties"]
    login["access_token"] = login.pop("token")
    drifted["components"]["schemas"]["Money"]["properties"]["amount"] = {"type": "number"}
    checked = type_check(packages, tmp_path, drifted)
    assert checked.returncode != 0
    errors = [line for line in checked.stdout.splitlines() if "error TS" in line]
    assert any("'token'" in line for line in errors), checked.stdout
    assert any("'number' is not assignable to type 'string'" in line for line in errors), checked.stdout
