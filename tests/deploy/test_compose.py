"""docker-compose.yml and .env.example: the single-host production layout, checked without Docker.

`docker-compose config -q` itself runs in .ci/run (and here when docker-compose is installed).
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from services.chassis.config import PROJECT_ROOT, SERVICES

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def settings_read_by_sportello() -> set[str]:
    """Every environment variable services/chassis/config.py and the probes read."""
    names = set(re.findall(r'get\(\s*"([A-Z][A-Z0-9_]+)"', (PROJECT_ROOT / "services/chassis/config.py").read_text()))
    names |= {f"{service.upper()}_DATABASE_URL" for service in SERVICES}
    names.add("SPORTELLO_PROBE_DIR")
    assert {"AMQP_URI", "SMTP_HOST", "RETURN_WAREHOUSE_ADDRESS"} <= names  # the scan works
    return names


def listed_in_env_example() -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def test_env_example_lists_every_setting_and_nothing_stale(compose):
    listed = listed_in_env_example()
    missing = settings_read_by_sportello() - listed
    assert not missing, f".env.example lacks {sorted(missing)}: add each with its default and a comment"
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", COMPOSE.read_text()))
    stale = listed - settings_read_by_sportello() - interpolated
    assert not stale, f".env.example lists {sorted(stale)}, which nothing reads"


def test_env_example_holds_no_real_secret():
    for line in ENV_EXAMPLE.read_text().splitlines():
        name, _, value = line.lstrip("# ").partition("=")
        if re.search(r"PASSWORD|SECRET", name) and value:
            assert "local-only" in value, f"{name} looks like a real secret"


def test_every_setting_reaches_the_containers(compose):
    environment = compose["x-sportello-service"]["environment"]
    derived = {"AMQP_URI", "GATEWAY_ADDRESS", "SPORTELLO_VAR_DIR"}
    assert settings_read_by_sportello() <= set(environment) | derived | {"RETURN_STORAGE_DIR"}
    assert derived <= set(environment)


def test_every_service_runs_healthy_after_migrations_and_queues(compose):
    services = compose["services"]
    for name in SERVICES:
        service = services[name]
        assert service["command"] == ["serve", name]
        assert service["healthcheck"]["test"][1:4] == ["sportello", "probe", name]
        conditions = {dep: spec["condition"] for dep, spec in service["depends_on"].items()}
        assert conditions == {"rabbitmq": "service_healthy", "postgres": "service_healthy",
                              "migrate": "service_completed_successfully",
                              "declare-queues": "service_completed_successfully"}
        assert "ports" not in service and "container_name" not in service, f"{name} must stay scalable"
    gateway = services["gateway"]
    assert {d for d, spec in gateway["depends_on"].items() if spec["condition"] == "service_healthy"} >= set(SERVICES)
    assert "/health" in " ".join(gateway["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["migrate"] and services["declare-queues"]["command"] == ["broker", "setup"]
    assert "management" in services["rabbitmq"]["image"]
    for infrastructure in ("rabbitmq", "postgres"):
        assert services[infrastructure]["healthcheck"]["test"]


def test_data_and_attachments_live_on_volumes(compose):
    assert {"rabbitmq-data", "postgres-data", "sportello-data", "returns-attachments"} <= set(compose["volumes"])
    returns_volumes = compose["services"]["returns"]["volumes"]
    assert "returns-attachments:/var/lib/sportello/returns" in returns_volumes
    assert compose["x-sportello-service"]["environment"]["RETURN_STORAGE_DIR"] == "/var/lib/sportello/returns"


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed (.ci/run checks it)")
@pytest.mark.parametrize("env_file", [None, ".env.example"])
def test_docker_compose_accepts_it(env_file):
    command = ["docker-compose", "-f", str(COMPOSE)] + (["--env-file", str(PROJECT_ROOT / env_file)] if env_file else [])
    result = subprocess.run([*command, "config", "-q"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


def test_every_process_connects_to_the_broker_as_its_own_user(compose):
    services = compose["services"]
    for name in (*SERVICES, "gateway"):
        uri = services[name]["environment"]["AMQP_URI"]
        assert uri.startswith(f"pyamqp://sportello-{name}:${{{name.upper()}_BROKER_PASSWORD:-"), uri
    setup = services["declare-queues"]["environment"]
    assert {f"SPORTELLO_BROKER_PASSWORD_{name.upper()}" for name in (*SERVICES, "gateway")} <= set(setup)
