"""Secrets never reach a log line, whatever logs them and at whatever level.

nameko logs whole RPC replies at DEBUG (a login's reply holds the session token),
and a traceback may show a request's arguments. Rather than hoping every logger
behaves, the handler every process logs through (``observability.configure_logging``)
rewrites each record: values under secret-sounding keys, bearer tokens and tokens
in URLs become ``***``.
"""
from __future__ import annotations

import logging
import re

MASK = "***"
# 'password': 'x', "token": "x", new_password='x', IDENTITY_SECRET: 'x', 'identity': 'signed...'
_KEYED = re.compile(
    r"""(?P<key>['"]?[A-Za-z_]*(?:password|passwd|token|secret|authorization|identity|api_key)['"]?\s*[:=]\s*)"""
    r"""(?P<quote>['"])(?P<value>.*?)(?<!\\)(?P=quote)""", re.IGNORECASE)
_BEARER = re.compile(r"(?P<scheme>Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_URL_TOKEN = re.compile(r"(?P<param>[?&;](?:token|code|key|secret)=)[^&\s'\"<>]+", re.IGNORECASE)
# scheme://user:password@host -- every node of a failover AMQP_URI ("a;b;c"): nameko masks the first only.
_URL_PASSWORD = re.compile(r"(?P<prefix>[a-z][a-z0-9+.-]*://[^:/@\s;]*:)[^@\s;/]+@", re.IGNORECASE)


def redact(text: str) -> str:
    text = _KEYED.sub(lambda m: f"{m.group('key')}{m.group('quote')}{MASK}{m.group('quote')}", text)
    text = _BEARER.sub(lambda m: m.group("scheme") + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("prefix") + MASK + "@", text)
    return _URL_TOKEN.sub(lambda m: m.group("param") + MASK, text)


class RedactSecrets(logging.Filter):
    """Rewrites the record's message (arguments merged in) and traceback with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log it as it is rather than lose it
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
