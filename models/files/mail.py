"""Sending email from the outbox: over SMTP when a server is configured, otherwise kept queued
(Admin -> Outbox) so nothing is lost because mail was not set up. The SMTP settings come in as
a plain value: this module never reads Flask's configuration."""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy.orm import Session

from ..core.base import utcnow
from ..core.enums import OutboxStatus
from ..core.errors import ValidationFailed
from ..customers.rules import email_problem
from .entities import OutboxMessage

MEGABYTE = 1024 * 1024
ATTACHMENT_LIMIT = 16 * MEGABYTE  # seed 004: "The maximum total file size for email attachments"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings | None:
        """None when no SMTP_HOST is set: mail is then queued, not sent."""
        host = (config.get("SMTP_HOST") or "").strip()
        if not host:
            return None
        return cls(
            host=host,
            sender=config.get("MAIL_FROM") or config.get("SMTP_USERNAME") or f"noreply@{host}",
            port=int(config.get("SMTP_PORT") or 587),
            username=config.get("SMTP_USERNAME") or "",
            password=config.get("SMTP_PASSWORD") or "",
            starttls=bool(config.get("SMTP_STARTTLS", True)),
        )


def check_message(message: OutboxMessage) -> None:
    errors: dict[str, str] = {}
    if not (message.recipient or "").strip():
        errors["recipient"] = "Enter the email address to send it to."
    elif problem := email_problem(message.recipient):
        errors["recipient"] = problem
    if not (message.subject or "").strip():
        errors["subject"] = "Enter a subject."
    size = len(message.attachment or b"")
    if size > ATTACHMENT_LIMIT:
        errors["attachment"] = (
            f"The attachments come to {size / MEGABYTE:.1f} MB; email attachments are "
            f"limited to {ATTACHMENT_LIMIT // MEGABYTE} MB in total."
        )
    if errors:
        raise ValidationFailed(errors)


def send_or_queue(
    session: Session, message: OutboxMessage, smtp: SmtpSettings | None
) -> OutboxMessage:
    """Keep the message in the outbox and send it if a server is set up. Its status says what
    happened: sent, failed (with the server's reason in `error`), or queued. A failure is never
    raised: the message stays for someone to send again."""
    check_message(message)
    session.add(message)
    if smtp is None:
        message.status = OutboxStatus.queued
        return message
    try:
        _deliver(_email(message, smtp.sender), smtp)
    except (smtplib.SMTPException, OSError) as error:
        message.status = OutboxStatus.failed
        message.error = _reason(error, smtp)
        return message
    message.status = OutboxStatus.sent
    message.sent_at = utcnow()
    message.error = None
    return message


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient.strip()
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid()
    email.set_content(message.body or "")
    if message.attachment is not None:
        name = message.attachment_name or "attachment"
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        email.add_attachment(message.attachment, maintype=maintype, subtype=subtype, filename=name)
    return email


def _deliver(email: EmailMessage, smtp: SmtpSettings) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
        if smtp.username:
            server.login(smtp.username, smtp.password)
        server.send_message(email)


def _reason(error: Exception, smtp: SmtpSettings) -> str:
    """What went wrong, in a sentence a person can act on (no traceback)."""
    where = f"{smtp.host}:{smtp.port}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refusals = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return f"The mail server refused the recipient ({refusals})."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server at {where} refused the login: check SMTP_USERNAME and SMTP_PASSWORD."
        )
    if isinstance(error, smtplib.SMTPResponseException):
        reply = f"{error.smtp_code} {_text(error.smtp_error)}"
        return f"The mail server at {where} refused the message: {reply}"
    if isinstance(error, smtplib.SMTPException):
        return f"Sending through {where} failed: {error}"
    return f"Could not reach the mail server at {where}: {error.strerror or error}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
