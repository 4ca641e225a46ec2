"""E-mail transports: ``SmtpMailer`` (a real SMTP server) and ``FileMailer`` (``.eml`` files).

Both build the same message (:func:`build_email`): multipart/alternative, the
stored text body as text/plain and the same content as text/html. Its ``Message-ID`` is derived
from the notification id, so that a message sent twice (delivery is
at-least-once: a crash after the server accepted it, before the row was
marked sent) is recognisably the same message to mail clients, and
``FileMailer`` simply rewrites the same file.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from services.chassis.domain import utcnow
from services.messaging.adapters.transport import ChannelDown, DeliveryFailed, Transport
from services.messaging.domain.templates import render_html

DEFAULT_MAIL_FROM = "Sportello <no-reply@sportello.local>"


def build_email(notification, mail_from: str) -> EmailMessage:
    message = EmailMessage()  # policy "default": UTF-8, RFC 2047 headers where needed
    message["From"] = mail_from
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<{notification.id}@{_domain(mail_from)}>"
    # RFC 3834: tells vacation responders and ticket systems not to answer.
    message["Auto-Submitted"] = "auto-generated"
    # multipart/alternative: the text as stored, then the same text as HTML
    # (escaped, links clickable), which mail clients prefer when they can show it.
    message.set_content(notification.body, charset="utf-8")
    message.add_alternative(render_html(notification.subject, notification.body, notification.language),
                            subtype="html", charset="utf-8")
    message["Content-Language"] = notification.language  # after set_content, which clears Content-*
    return message


def _domain(mail_from: str) -> str:
    return parseaddr(mail_from)[1].rpartition("@")[2] or "sportello.local"


class FileMailer(Transport):
    """Writes each mail to ``<directory>/<created>-<id>.eml``, for running locally without a server."""

    channel = "email"

    def __init__(self, directory: Path, mail_from: str = DEFAULT_MAIL_FROM):
        self.directory = Path(directory)
        self.mail_from = mail_from

    def send(self, notification) -> None:
        name = f"{notification.created_at:%Y%m%dT%H%M%S}-{notification.id}.eml"
        target = self.directory / name
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            temporary.write_bytes(bytes(build_email(notification, self.mail_from)))
            os.replace(temporary, target)  # readers never see half a mail
        except OSError as exc:
            raise DeliveryFailed(f"cannot write {target}: {exc}") from exc


class SmtpMailer(Transport):
    """Sends through an SMTP server, one connection per sender pass, opened on the first mail."""

    channel = "email"

    def __init__(self, host: str, port: int = 25, mail_from: str = DEFAULT_MAIL_FROM,
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: float = 10.0):
        self.host = host
        self.port = port
        self.mail_from = mail_from
        self.envelope_from = parseaddr(mail_from)[1]
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def send(self, notification) -> None:
        with self.session() as send:
            send(notification)

    @contextmanager
    def session(self):
        connection: list[smtplib.SMTP] = []

        def send(notification) -> None:
            if not connection:
                connection.append(self._connect())
            self._send(connection[0], notification)

        try:
            yield send
        finally:
            if connection:
                try:
                    connection[0].quit()
                except (smtplib.SMTPException, OSError):
                    connection[0].close()  # the server went away: nothing to say goodbye to

    def _connect(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except OSError as exc:  # refused, unreachable, timed out, no greeting
            raise ChannelDown(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise ChannelDown(f"{self.host}:{self.port} refused the session: {_describe(exc)}") from exc
        return smtp

    def _send(self, smtp: smtplib.SMTP, notification) -> None:
        message = build_email(notification, self.mail_from)
        try:
            smtp.send_message(message, from_addr=self.envelope_from, to_addrs=[notification.recipient])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPNotSupportedError) as exc:
            # This message only (a refused address, a refused text, an address
            # that needs SMTPUTF8 the server lacks): the next one may pass.
            raise DeliveryFailed(_describe(exc)) from exc
        except smtplib.SMTPSenderRefused as exc:
            # Our own sender address refused: a setting, not this message.
            raise ChannelDown(_describe(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Disconnected in the middle of this message: the rest would fail too.
            raise ChannelDown(_describe(exc), in_flight=True) from exc


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"

