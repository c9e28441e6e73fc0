"""The customer record's "Send statement" page (seed 004 "Statements"): choose the date and
whether to group by contact, review the statement, then print, download or email it."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from admin_views.core.base import CustomerPagesView, changes_data, live_customer, operation
from admin_views.customers.record import PageLink, register_action
from admin_views.money.documents import letterhead, statement_filename, statement_for
from extensions import db
from forms.core.base import PanelForm, put_on_fields
from forms.core.validators import EmailValid
from models import OutboxStatus, ValidationFailed
from models.files.mail import SmtpSettings
from models.money.balances import BUCKETS
from models.money.statements import Statement, email_statement, statement_email
from pdfs.statement import bucket_label
from pdfs.statement import statement_pdf as render_statement


class StatementOptionsForm(PanelForm):
    """Read from the address bar (GET): the page can be bookmarked and reloaded."""

    class Meta:
        csrf = False

    as_of = DateField(
        "Statement as of", validators=[InputRequired("Enter the date: day, month and year.")]
    )
    grouped = SelectField(
        "Group by customer contact", choices=[("0", "No"), ("1", "Yes")], default="0"
    )


class StatementEmailForm(PanelForm):
    as_of = HiddenField()
    grouped = HiddenField()
    recipient = StringField(
        "To",
        validators=[
            DataRequired("Enter the email address to send it to."),
            Length(max=254),
            EmailValid(),
        ],
    )
    subject = StringField("Subject", validators=[DataRequired("Enter a subject."), Length(max=200)])
    body = TextAreaField("Message", validators=[DataRequired("Write the message.")])


SENT_MESSAGES = {
    OutboxStatus.sent: ("Statement emailed to {to}.", "success"),
    OutboxStatus.queued: (
        "No mail server is set up, so the statement was not sent: it is queued for {to} in "
        "Admin > Outbox, where an admin can send it once SMTP_HOST is set.",
        "warning",
    ),
    OutboxStatus.failed: (
        "The statement could not be sent to {to}: {error} It is kept in Admin > Outbox, "
        "where an admin can send it again.",
        "error",
    ),
}


class StatementPageView(CustomerPagesView):
    def __init__(self):
        super().__init__(name="Statements", endpoint="statement", url="/admin/statement")

    @expose("/<int:customer_id>/")
    def statement_page(self, customer_id: int):
        customer = live_customer(customer_id)
        options = options_form(request.args)
        statement = self.statement(customer, options)
        email_form = None
        if statement is not None:
            subject, body = statement_email(statement, current_app.config.get("COMPANY_NAME", ""))
            email_form = StatementEmailForm(
                formdata=None,
                as_of=statement.as_of.isoformat(),
                grouped="1" if statement.grouped else "0",
                recipient=customer.statement_email or customer.email or "",
                subject=subject,
                body=body,
            )
        return self.page(customer, options, statement, email_form, 200 if statement else 400)

    @expose("/<int:customer_id>/email", methods=("POST",))
    @changes_data
    def email(self, customer_id: int):
        customer = live_customer(customer_id)
        form = StatementEmailForm()
        options = options_form({"as_of": form.as_of.data, "grouped": form.grouped.data})
        statement = self.statement(customer, options)
        if statement is None or not form.validate():
            return self.page(customer, options, statement, form, 400)
        with operation(form, others=form.recipient) as outcome:
            message = email_statement(
                db.session,
                statement,
                recipient=form.recipient.data,
                subject=form.subject.data,
                body=form.body.data,
                pdf=render_statement(db.session, statement, letterhead()),
                by=current_user._get_current_object(),
                smtp=SmtpSettings.from_config(current_app.config),
            )
        if not outcome.done:
            return self.page(customer, options, statement, form, 400)
        text, category = SENT_MESSAGES[message.status]
        flash(text.format(to=message.recipient, error=message.error), category)
        return redirect(url_for(".statement_page", **document_args(statement)))

    def statement(self, customer, options: StatementOptionsForm) -> Statement | None:
        """The statement the options ask for, or None with the reason on the form."""
        if not options.validate():
            return None
        try:
            return statement_for(customer, options.as_of.data, options.grouped.data == "1")
        except ValidationFailed as refused:
            put_on_fields(options, refused)
            return None

    def page(self, customer, options, statement, email_form, status: int):
        return self.render(
            "admin/money/statement/statement.html",
            customer=customer,
            options=options,
            statement=statement,
            email_form=email_form,
            document_args=document_args(statement) if statement else {},
            filename=statement_filename(customer, statement.as_of) if statement else "",
            buckets=[(bucket_label(bucket), bucket) for bucket in BUCKETS],
            today_iso=date.today().isoformat(),
            can_email=current_user.can_write,
            mail_configured=SmtpSettings.from_config(current_app.config) is not None,
        ), status


def options_form(values) -> StatementOptionsForm:
    """The options as asked for; today and ungrouped when not given."""
    asked = {name: values[name] for name in ("as_of", "grouped") if values.get(name) is not None}
    defaults = {"as_of": date.today().isoformat(), "grouped": "0"}
    return StatementOptionsForm(formdata=MultiDict({**defaults, **asked}))


def document_args(statement: Statement) -> dict:
    return {
        "customer_id": statement.customer.id,
        "as_of": statement.as_of.isoformat(),
        "grouped": "1" if statement.grouped else "0",
    }


@register_action(heading="Statements", weight=10)
class SendStatement(PageLink):
    title, endpoint = "Send statement", "statement.statement_page"
