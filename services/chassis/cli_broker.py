"""``sportello broker``: the broker identities, as the operator (AMQP_URI is the operator's here).

    sportello broker setup              declare-queues, then provision: what a deploy runs before the services
    sportello broker provision          one user per service and the gateway, with their grants
    sportello broker add-consumer NAME  a user for another system: its own NAME.* queues on the event exchanges
"""
from __future__ import annotations

import os
import secrets
import sys


def cmd_provision(args) -> int:
    from services.chassis.broker_identities import credentials_of, provision_roles
    from services.chassis.config import load_settings

    settings = load_settings()
    uris = provision_roles(settings.amqp_uri, settings.rabbitmq_management_url, os.environ, settings.var_dir)
    if not args.quiet:
        print("\n".join(f"{role}: broker user {credentials_of(uri)[0]} granted" for role, uri in uris.items()))
    return 0


def cmd_setup(args) -> int:
    import argparse

    from services.chassis.cli import cmd_declare_queues

    cmd_declare_queues(argparse.Namespace(quiet=args.quiet))
    return cmd_provision(args)


def cmd_add_consumer(args) -> int:
    from services.chassis.broker_identities import add_consumer, check_consumer_name
    from services.chassis.config import load_settings

    try:
        check_consumer_name(args.name)
    except ValueError as exc:
        print(f"sportello broker add-consumer: {exc}", file=sys.stderr)
        return 2
    password = sys.stdin.readline().strip() if args.password_stdin else secrets.token_urlsafe(24)
    if len(password) < 16:
        print("sportello broker add-consumer: the password needs at least 16 characters", file=sys.stderr)
        return 2
    settings = load_settings()
    uri = add_consumer(settings.amqp_uri, settings.rabbitmq_management_url, args.name, password)
    # Printed once, for the operator to put into the other system's secret store; never logged.
    print(f"consumer {args.name}: may declare, bind and read queues named {args.name}.* on the event exchanges")
    print(f"AMQP_URI={uri}")
    return 0


def add_parser(commands) -> None:
    broker = commands.add_parser("broker", help="broker users: one per process role, and outside consumers")
    actions = broker.add_subparsers(dest="broker_command", required=True)
    provision = actions.add_parser(
        "provision", help="create or update the broker user of every service and the gateway, with its grants",
        description="As the operator (AMQP_URI's user): one RabbitMQ user per service and one for the gateway "
                    "(sportello-<role>, or sportello-<vhost>-<role> on a vhost other than /), each granted only what it needs on AMQP_URI's vhost. Passwords come "
                    "from SPORTELLO_BROKER_PASSWORD_<ROLE>, else from <SPORTELLO_VAR_DIR>/broker/<role>.password "
                    "(made on first use, mode 0600). `sportello run` does this itself.")
    provision.add_argument("--quiet", action="store_true", help="print nothing on success")
    provision.set_defaults(handler=cmd_provision)
    setup = actions.add_parser(
        "setup", help="declare every exchange and queue, then provision the users (deploy jobs run it)",
        description="`sportello declare-queues` and then `sportello broker provision`, as the operator.")
    setup.add_argument("--quiet", action="store_true", help="print nothing on success")
    setup.set_defaults(handler=cmd_setup)
    consumer = actions.add_parser(
        "add-consumer", help="create a user for another system that reads Sportello's events",
        description="Creates (or updates) the user consumer-NAME (consumer-<vhost>-NAME off the default vhost), which may declare, bind and read only queues named "
                    "NAME.* on the <service>.events exchanges, and nothing else. Prints its AMQP URI once.")
    consumer.add_argument("name", help="the consuming system's name (lower case), also its queues' prefix")
    consumer.add_argument("--password-stdin", action="store_true",
                          help="read the password from standard input instead of generating one")
    consumer.set_defaults(handler=cmd_add_consumer)
