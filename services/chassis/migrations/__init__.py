"""One alembic history per service, plus the chassis branch applied in every database.

A service's ``migrations/env.py`` is two lines: it imports its metadata and
calls :func:`run_env`. :func:`upgrade` is what ``sportello migrate``, ``make
run`` and the test harness call.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine

from services.chassis.config import PROJECT_ROOT
from services.chassis.database import engine_options
from services.chassis.tables import chassis_metadata

CHASSIS_VERSIONS = Path(__file__).resolve().parent / "versions"


def alembic_config(service: str, database_url: str) -> Config:
    script_location = PROJECT_ROOT / "services" / service / "migrations"
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option(
        "version_locations", f"{script_location / 'versions'} {CHASSIS_VERSIONS}"
    )
    config.set_main_option("path_separator", "space")
    config.attributes["database_url"] = database_url
    return config


def upgrade(service: str, database_url: str) -> None:
    """Bring one service's database to the newest revision of both branches."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, database_url), "heads")


def run_env(service_metadata: MetaData) -> None:
    """Body of every service's ``env.py`` (online mode only: we migrate live databases)."""
    url = context.config.attributes["database_url"]
    engine = create_engine(url, **engine_options(url, pool=False))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=[service_metadata, chassis_metadata],
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
