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
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..core.base import utcnow
from ..core.enums import CommunicationKind, OutboxStatus
from ..core.errors import ValidationFailed
from ..customers.rules import email_problem
from .entities import Communication, OutboxMessage

if TYPE_CHECKING:
    from ..core.users import User
    from ..customers.entities import Customer

MEGABYTE = 1024 * 1024
ATTACHMENT_LIMIT = 16 * MEGABYTE  # seed 004: "The maximum total file size for email attachments"
MOST_RECIPIENTS = 10  # a few people at one customer, not a mailing list


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


def recipient_list(value: str | None) -> list[str]:
    """The addresses of a To field, one or several separated by commas or semicolons."""
    return [part.strip() for part in (value or "").replace(";", ",").split(",") if part.strip()]


def recipients_problem(value: str | None) -> str | None:
    """Why a To field is not one address or a clean list of them, or None. A line break would
    let the field write headers of its own, so none is accepted anywhere in it."""
    if not (value or "").strip():
        return "Enter the email address to send it to."
    if any(char in value for char in "\r\n\0"):
        return "Put the addresses on one line, separated by commas."
    addresses = recipient_list(value)
    if len(addresses) > MOST_RECIPIENTS:
        return f"Send it to at most {MOST_RECIPIENTS} addresses at a time."
    for address in addresses:
        if problem := email_problem(address):
            return problem if len(addresses) == 1 else f"{address}: {problem}"
    return None


def size_in_mb(size: int) -> str:
    """16 MB, 16.2 MB; under a megabyte in KB."""
    if size < MEGABYTE:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"


def check_message(message: OutboxMessage) -> None:
    errors: dict[str, str] = {}
    if problem := recipients_problem(message.recipient):
        errors["recipient"] = problem
    if not (message.subject or "").strip():
        errors["subject"] = "Enter a subject."
    size = sum(len(content) for _, content in message.attachments)
    if size > ATTACHMENT_LIMIT:
        errors["attachment"] = (
            f"The attachments come to {size_in_mb(size)}; email attachments are "
            f"limited to {size_in_mb(ATTACHMENT_LIMIT)} in total. Nothing was sent."
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
    email["To"] = ", ".join(recipient_list(message.recipient))
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid()
    email.set_content(message.body or "")
    for name, content in message.attachments:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return email


def email_document(
    session: Session,
    customer: Customer,
    *,
    title: str,
    recipient: str,
    subject: str,
    body: str,
    attachments: list[tuple[str, bytes]],
    by: User | None,
    smtp: SmtpSettings | None,
) -> OutboxMessage:
    """Email a document (a statement, an invoice, a credit note) with its files, or queue it,
    and note on the customer's Communications what happened, in the caller's transaction.
    `title` names the document in that note: "Invoice INV000012"."""
    message = OutboxMessage(
        customer=customer,
        created_by=by,
        recipient=", ".join(recipient_list(recipient)),
        subject=subject.strip(),
        body=body,
    )
    for name, content in attachments:
        message.attach(name, content)
    send_or_queue(session, message, smtp)
    outcome = {
        OutboxStatus.sent: f"{title} emailed to {message.recipient}.",
        OutboxStatus.queued: f"{title} queued for {message.recipient}: no mail server is set "
        "up, it waits in Admin > Outbox.",
        OutboxStatus.failed: f"{title} could not be emailed to {message.recipient}: "
        f"{message.error} It waits in Admin > Outbox to be sent again.",
    }[message.status]
    session.add(
        Communication(
            customer=customer,
            author=by,
            kind=CommunicationKind.email,
            subject=title,
            body=outcome,
        )
    )
    return message


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
