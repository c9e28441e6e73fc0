"""Emailing a document from its page: the form, one operation that sends or queues it, and
what the user is told. The statement, invoice and credit note pages share it."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, redirect, request
from flask_login import current_user

from admin_views.core.base import form_page, operation
from forms.money.emails import DocumentEmailForm
from models import OutboxMessage, OutboxStatus
from models.files.mail import SmtpSettings

SENT_MESSAGES = {
    OutboxStatus.sent: ("{title} emailed to {to}.", "success"),
    OutboxStatus.queued: (
        "No mail server is set up, so {it} was not sent: it is queued for {to} in "
        "Admin > Outbox, where an admin can send it once SMTP_HOST is set.",
        "warning",
    ),
    OutboxStatus.failed: (
        "{It} could not be sent to {to}: {error} It is kept in Admin > Outbox, "
        "where an admin can send it again.",
        "error",
    ),
}


def smtp_settings() -> SmtpSettings | None:
    return SmtpSettings.from_config(current_app.config)


def company_name() -> str:
    return current_app.config.get("COMPANY_NAME", "")


def letter(recipient: str, subject: str, body: str) -> dict:
    """An email as the domain's email_… functions take it: with who sends it and through
    which server."""
    return {
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "by": current_user._get_current_object(),
        "smtp": smtp_settings(),
    }


def letter_from(form: DocumentEmailForm) -> dict:
    return letter(form.recipient.data, form.subject.data, form.body.data)


def say_what_happened(message: OutboxMessage, title: str, it: str) -> None:
    """`title` starts a sentence ("Invoice INV000012"), `it` sits inside one ("the statement")."""
    text, category = SENT_MESSAGES[message.status]
    it_starts = it[:1].upper() + it[1:]
    said = text.format(title=title, it=it, It=it_starts, to=message.recipient, error=message.error)
    flash(said, category)


def email_page(
    view,
    *,
    customer,
    title: str,
    filename: str,
    defaults: dict[str, str],
    send: Callable[[DocumentEmailForm], OutboxMessage],
    back_url: str,
):
    """GET: the form filled with `defaults` (recipient, subject, body); POST: `send(form)` as
    one operation, then back to the document's page saying what happened."""
    if request.method == "POST":
        form = DocumentEmailForm()
    else:
        form = DocumentEmailForm(formdata=None, **defaults)
    if form.validate_on_submit():
        with operation(form, refused_as="Not sent") as outcome:
            message = send(form)
        if outcome.done:
            say_what_happened(message, title, title[0].lower() + title[1:])
            return redirect(back_url)
    return form_page(
        view,
        "admin/money/email_document.html",
        customer=customer,
        form=form,
        title=title,
        filename=filename,
        back_url=back_url,
        mail_configured=smtp_settings() is not None,
    )
