"""The customer record's "Send statement" page (seed 004 "Statements"): choose the date and
whether to group by contact, review the statement, then print, download or email it."""

from __future__ import annotations

from datetime import date

from flask import redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, HiddenField, SelectField
from wtforms.validators import InputRequired

from admin_views.core.base import CustomerPagesView, changes_data, live_customer, operation
from admin_views.customers.record import PageLink, register_action
from admin_views.money.documents import (
    invoice_pdfs,
    letterhead,
    statement_filename,
    statement_for,
)
from admin_views.money.emails import company_name, letter_from, say_what_happened, smtp_settings
from extensions import db
from forms.core.base import PanelForm, put_on_fields
from forms.money.emails import DocumentEmailForm
from models import ValidationFailed
from models.files import mail
from models.files.mail import size_in_mb
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


class StatementEmailForm(DocumentEmailForm):
    as_of = HiddenField()
    grouped = HiddenField()
    attach_invoices = BooleanField("Attach the open invoices' PDFs")


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
            subject, body = statement_email(statement, company_name())
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
        attached = (
            [invoice.id for invoice in statement.invoices] if form.attach_invoices.data else []
        )
        # A refusal of the attachments' size is said beside the tick that asked for them.
        with operation(form, others=form.attach_invoices) as outcome:
            message = email_statement(
                db.session,
                statement,
                render_statement(db.session, statement, letterhead()),
                invoice_pdfs(attached),
                **letter_from(form),
            )
        if not outcome.done:
            return self.page(customer, options, statement, form, 400)
        say_what_happened(message, "Statement", "the statement")
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
            mail_configured=smtp_settings() is not None,
            attachment_limit=size_in_mb(mail.ATTACHMENT_LIMIT),
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
