"""``sportello``: the operator's one entry point.

    sportello run                 migrate, start every service and the gateway, wait for /health (cli_run.py)
    sportello serve NAME          run one service (or the gateway) in this process
    sportello migrate [NAME ...]  apply each service's migrations
    sportello status              ask the gateway's /health and print each service's state
    sportello declare-queues      declare every consumer, retry and dead-letter queue, and their policies
    sportello broker provision|add-consumer NAME   the broker users of every process, and of other systems
    sportello dlq list|show|replay|discard   look after the dead letters
    sportello outbox status       per service: events not yet published, their age, failing rows
    sportello prune               remove sent outbox rows and inbox rows past their retention
    sportello probe NAME          exit 0 while NAME's process in this container beats (container probes)
    sportello asyncapi            print the event catalog (AsyncAPI 2.6) generated from the schemas
    sportello create-staff EMAIL  create a staff account (the accounts service's command)
    sportello catalog ...         import or generate products (the catalog service's commands)

Only the standard library is imported at module level: ``serve`` must
monkey-patch with eventlet before nameko, kombu or the database drivers load.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import urllib.error
import urllib.request
import warnings

# eventlet announces its maintenance mode on import; operators need not read it on every command.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def _settings():
    from services.chassis.config import load_settings

    return load_settings()


def refused_in_production(settings, *, demo_data: bool = False) -> bool:
    """True (and why, on stderr) when production mode refuses these settings (chassis/production.py)."""
    from services.chassis.production import UnsafeSettings, check_production

    try:
        check_production(settings, demo_data=demo_data)
    except UnsafeSettings as exc:
        print(f"sportello: {exc}", file=sys.stderr)
        return True
    return False


def import_service(name: str):
    from services.chassis.config import SERVICE_CLASSES

    module_name, _, class_name = SERVICE_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


# -- serve -----------------------------------------------------------------------
def cmd_serve(args) -> int:
    import eventlet

    eventlet.monkey_patch()

    from nameko.cli.run import run

    from services.chassis.config import nameko_config
    from services.chassis.observability import configure_logging

    from services.chassis.probes import heartbeat_path, with_heartbeat

    settings = _settings()
    if refused_in_production(settings):
        return 2
    configure_logging(args.name, settings.log_level)
    # The heartbeat file is what `sportello probe NAME` reads (the Kubernetes exec probes).
    service_cls = with_heartbeat(import_service(args.name), heartbeat_path(args.name))
    run([service_cls], nameko_config(settings))
    return 0


# -- probe -----------------------------------------------------------------------
def cmd_probe(args) -> int:
    from services.chassis.probes import heartbeat_age, heartbeat_path

    path = heartbeat_path(args.name)
    age = heartbeat_age(path)
    if age is None:
        print(f"{args.name}: no heartbeat ({path}): not started, or stopping", file=sys.stderr)
        return 1
    if age > args.max_age:
        print(f"{args.name}: last heartbeat {age:.1f}s ago (more than {args.max_age:g}s)", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{args.name}: alive (heartbeat {age:.1f}s ago)")
    return 0


# -- outbox ----------------------------------------------------------------------
def _known_services(command: str, names: list[str]) -> bool:
    """False (and why, on stderr) when a name is not one of the five services."""
    from services.chassis.config import SERVICES

    unknown = sorted(set(names) - set(SERVICES))
    if unknown:
        print(f"sportello {command}: unknown service(s) {', '.join(unknown)}; choose from {', '.join(SERVICES)}",
              file=sys.stderr)
    return not unknown


def cmd_outbox_status(args) -> int:
    from services.chassis.config import SERVICES
    from services.chassis.outbox_status import format_table, outbox_status

    if not _known_services("outbox status", args.names):
        return 2
    settings = _settings()
    statuses = [outbox_status(name, settings.database_url(name)) for name in (args.names or SERVICES)]
    if args.json:
        print(json.dumps([s.as_dict() for s in statuses], indent=2))
    else:
        print(format_table(statuses))
    unreadable = [s.service for s in statuses if s.error]
    too_old = [s.service for s in statuses
               if args.max_age is not None and (s.oldest_pending_seconds or 0) > args.max_age]
    if too_old:
        print(f"sportello outbox status: events older than {args.max_age:g}s wait in {', '.join(too_old)}",
              file=sys.stderr)
    return 1 if unreadable or too_old else 0


def cmd_prune(args) -> int:
    from sqlalchemy.orm import sessionmaker

    from services.chassis.config import SERVICES
    from services.chassis.database import make_engine, missing_sqlite_file
    from services.chassis.retention import Retention, prune

    if not _known_services("prune", args.names):
        return 2
    settings = _settings()
    retention = Retention.from_config({
        "outbox_sent_days": settings.outbox_keep_days if args.outbox_days is None else args.outbox_days,
        "inbox_days": settings.inbox_keep_days if args.inbox_days is None else args.inbox_days,
    })
    for name in args.names or SERVICES:
        url = settings.database_url(name)
        if missing_sqlite_file(url):
            print(f"{name}: no database yet (not migrated), nothing to prune")
            continue
        engine = make_engine(url)
        try:
            outbox, inbox = prune(sessionmaker(engine), retention)
        finally:
            engine.dispose()
        print(f"{name}: removed {outbox} sent outbox rows, {inbox} inbox rows")
    return 0


# -- asyncapi --------------------------------------------------------------------
def cmd_asyncapi(args) -> int:
    from services.chassis.asyncapi import build_document, render_yaml

    text = render_yaml(build_document())
    if args.check:
        try:
            with open(args.check, encoding="utf-8") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print(f"{args.check} is out of date: run `sportello asyncapi --output {args.check}`", file=sys.stderr)
            return 1
        print(f"{args.check} is up to date")
        return 0
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote {args.output}")
        return 0
    sys.stdout.write(text)
    return 0


# -- migrate ---------------------------------------------------------------------
def cmd_migrate(args) -> int:
    from services.chassis.config import SERVICES
    from services.chassis.migrations import upgrade

    settings = _settings()
    for name in args.names or SERVICES:
        upgrade(name, settings.database_url(name))
        print(f"migrated {name}")
    return 0


# -- queues ----------------------------------------------------------------------
def cmd_declare_queues(args) -> int:
    from services.chassis.config import SERVICES
    from services.chassis.queues import declare_queues

    from services.chassis.policies import apply_policies

    settings = _settings()
    declared = declare_queues(settings.amqp_uri, [import_service(name) for name in SERVICES],
                              retry_delays=settings.event_retry_delays, queue_type=settings.queue_type)
    # Delivery limits and dead-lettering: policies, the same on RabbitMQ 3.10 and 4.x.
    declared += [f"policy {name}" for name in apply_policies(settings.amqp_uri, SERVICES,
                                                             settings.rabbitmq_management_url)]
    if not getattr(args, "quiet", False):
        print("\n".join(f"declared {name}" for name in declared))
    return 0


def cmd_dlq(args) -> int:
    from services.chassis import queues
    from services.chassis.config import SERVICES

    uri = _settings().amqp_uri
    if args.action == "list":
        for name in SERVICES:
            print(f"{name}: {queues.count_dead_letters(uri, name)} dead letter(s)")
        return 0
    if not args.service:
        print("sportello dlq: name the service", file=sys.stderr)
        return 2
    ids = set(args.id) if args.id else None
    if args.action == "show":
        for letter in queues.show_dead_letters(uri, args.service, args.limit):
            print(queues.describe(letter))
        return 0
    if ids is None and not args.all:
        print(f"sportello dlq {args.action}: give --id ID (repeatable) or --all", file=sys.stderr)
        return 2
    if args.action == "replay":
        print(f"replayed {queues.replay_dead_letters(uri, args.service, ids)} message(s)")
    else:
        print(f"discarded {queues.discard_dead_letters(uri, args.service, ids)} message(s)")
    return 0


# -- status ----------------------------------------------------------------------
def fetch_health(url: str, timeout: float = 5.0) -> tuple[int, dict]:
    try:
        # Bandit B310 accepted: the URL is the gateway's own http address from the settings, not user input.
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:  # nosec B310
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.load(exc)
        except ValueError:
            return exc.code, {}
    except (urllib.error.URLError, OSError, ValueError):
        return 0, {}


def cmd_status(args) -> int:
    status, body = fetch_health(_settings().gateway_url)
    if status == 0:
        print("gateway: down")
        return 1
    print(f"gateway: up (HTTP {status})")
    for name, state in sorted(body.get("services", {}).items()):
        print(f"{name}: {state.get('status')}")
    return 0 if status == 200 else 1


def _cmd_run(args) -> int:
    from services.chassis.cli_run import cmd_run

    return cmd_run(args)


# Commands a service owns, run in this process; named by module path so that
# the chassis never imports a service statically (the import-linter contract).
SERVICE_COMMANDS = {
    "create-staff": ("services.accounts.cli:main", "create a staff account"),
    "catalog": ("services.catalog.cli:main", "import or generate catalog products"),
}


def run_service_command(name: str, argv: list[str]) -> int:
    module_name, _, function = SERVICE_COMMANDS[name][0].partition(":")
    return getattr(importlib.import_module(module_name), function)(argv)


SERVICE_NAMES = ("accounts", "catalog", "orders", "returns", "messaging")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SERVICE_COMMANDS:
        return run_service_command(argv[0], argv[1:])
    parser = argparse.ArgumentParser(prog="sportello", description="Operate Sportello.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="migrate, start every service and the gateway, wait for health")
    run.add_argument("--startup-timeout", type=float, default=120.0, help="seconds to wait for /health (120)")
    run.add_argument("--no-demo", action="store_true", help="do not load demo data")
    run.set_defaults(handler=_cmd_run)

    serve = commands.add_parser("serve", help="run one service or the gateway in this process")
    serve.add_argument("name", choices=["accounts", "catalog", "orders", "returns", "messaging", "gateway"],
                       help="what to run")
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("names", nargs="*", help="services to migrate (default: all)")
    migrate.set_defaults(handler=cmd_migrate)

    status = commands.add_parser("status", help="print the health of the gateway and each service")
    status.set_defaults(handler=cmd_status)

    declare = commands.add_parser("declare-queues", help="declare every consumer, retry and dead-letter queue, "
                                  "and their policies (delivery limits, dead-lettering)")
    declare.add_argument("--quiet", action="store_true", help="print nothing on success")
    declare.set_defaults(handler=cmd_declare_queues)

    dlq = commands.add_parser("dlq", help="list, show, replay or discard dead-lettered events")
    dlq.add_argument("action", choices=("list", "show", "replay", "discard"),
                     help="list: counts per service; show, replay, discard: one service's dead letters")
    dlq.add_argument("service", nargs="?", choices=("accounts", "catalog", "orders", "returns", "messaging"))
    dlq.add_argument("--id", action="append", help="a dead letter's id (from show); repeatable")
    dlq.add_argument("--all", action="store_true", help="every dead letter of the service")
    dlq.add_argument("--limit", type=int, default=20, help="how many to show (20)")
    dlq.set_defaults(handler=cmd_dlq)

    outbox = commands.add_parser("outbox", help="look at each service's transactional outbox")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_status = outbox_commands.add_parser(
        "status", help="per service: events not yet published, the oldest one's age, rows failing and backing off",
        description="Per service: rows committed to the outbox and not yet confirmed by the broker (pending), "
                    "the age of the oldest, how many failed at least once (failing) and wait for their next "
                    "attempt (backing off), the most attempts, and the last error. Exits 1 when a database "
                    "cannot be read, or with --max-age when an event has waited longer.")
    outbox_status.add_argument("names", nargs="*", metavar="SERVICE",
                               help=f"services to look at: {', '.join(SERVICE_NAMES)} (default: all)")
    outbox_status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    outbox_status.add_argument("--max-age", type=float, metavar="SECONDS",
                               help="exit 1 if any pending event is older than this (for monitoring)")
    outbox_status.set_defaults(handler=cmd_outbox_status)

    prune_parser = commands.add_parser(
        "prune", help="remove sent outbox rows and inbox rows past their retention now",
        description="What every service does hourly on its own: removes outbox rows the broker confirmed more "
                    "than SPORTELLO_OUTBOX_KEEP_DAYS (7) ago and inbox rows older than SPORTELLO_INBOX_KEEP_DAYS "
                    "(30), in batches of 1,000 rows. Unsent outbox rows are never removed. Safe beside running "
                    "services.")
    prune_parser.add_argument("names", nargs="*", metavar="SERVICE",
                              help=f"services whose databases to prune: {', '.join(SERVICE_NAMES)} (default: all)")
    prune_parser.add_argument("--outbox-days", type=float, metavar="DAYS",
                              help="keep sent outbox rows this many days instead (0: keep all)")
    prune_parser.add_argument("--inbox-days", type=float, metavar="DAYS",
                              help="keep inbox rows this many days instead (0: keep all)")
    prune_parser.set_defaults(handler=cmd_prune)

    probe = commands.add_parser(
        "probe", help="exit 0 while the named process in this container is alive (container probes)",
        description="Reads the heartbeat file `sportello serve NAME` touches every 2 s once its service has "
                    "started (in $SPORTELLO_PROBE_DIR, default <SPORTELLO_VAR_DIR>/probe); exits 1 when it is missing or "
                    "older than --max-age.")
    probe.add_argument("name", choices=("accounts", "catalog", "orders", "returns", "messaging", "gateway"),
                       help="the process started with `sportello serve NAME` in this container")
    probe.add_argument("--max-age", type=float, default=30.0, help="seconds a heartbeat stays fresh (30)")
    probe.add_argument("--quiet", action="store_true", help="print nothing when alive")
    probe.set_defaults(handler=cmd_probe)

    asyncapi = commands.add_parser(
        "asyncapi", help="print the AsyncAPI document of every published event",
        description="Generates the event catalog (AsyncAPI 2.6) from each service's EVENT_SCHEMAS.")
    asyncapi_target = asyncapi.add_mutually_exclusive_group()
    asyncapi_target.add_argument("--output", metavar="FILE", help="write it to FILE instead of standard output")
    asyncapi_target.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from what is generated now")
    asyncapi.set_defaults(handler=cmd_asyncapi)

    from services.chassis import cli_broker

    cli_broker.add_parser(commands)

    for name, (_, help_text) in SERVICE_COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
