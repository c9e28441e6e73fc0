"""Invoices, credit notes, payments and invoice addresses, as plain model views for now
(the money workflows — issuing, allocation, statements — come with their own issue)."""

from flask_admin.model.form import InlineFormAdmin
from sqlalchemy.orm import selectinload
from wtforms.validators import DataRequired, NumberRange

from models import CreditNoteLine, InvoiceLine, PaymentAllocation
from models.money_rules import check_credit_note, check_invoice, check_payment

from .base import SecureModelView
from .customers import ADDRESS_FIELDS, REQUIRED_LINE_1, VALID_EMAIL
from .lookups import by_name, customer_loader

POSITIVE = {
    "validators": [
        DataRequired("Enter an amount."),
        NumberRange(min=0.01, message="Must be more than zero."),
    ]
}
LINE_ARGS = {
    "description": {"validators": [DataRequired("Describe the line.")]},
    "quantity": POSITIVE,
    "unit_price": {
        "validators": [
            DataRequired("Enter the unit price."),
            NumberRange(min=0, message="Cannot be negative."),
        ]
    },
    "tax_rate": {"validators": [NumberRange(min=0, max=100, message="A percentage, 0 to 100.")]},
}
CUSTOMER_REQUIRED = {"validators": [DataRequired("Choose the customer.")]}


def money_total(view, context, model, name):
    return f"{model.total:,.2f}"


class InvoiceLineInline(InlineFormAdmin):
    form_columns = ("id", "work", "category", "description", "quantity", "unit_price", "tax_rate")
    form_args = LINE_ARGS
    form_ajax_refs = {"work": {"fields": ("number",), "page_size": 10}}


class CreditNoteLineInline(InlineFormAdmin):
    form_columns = ("id", "category", "description", "quantity", "unit_price", "tax_rate")
    form_args = LINE_ARGS


class WithLinesView(SecureModelView):
    """Lists whose total column sums the lines: loaded in one extra query, not one per row."""

    def get_query(self):
        return super().get_query().options(selectinload(self.model.lines))


class InvoiceView(WithLinesView):
    noun = "invoice"
    column_list = (
        "number",
        "customer",
        "description",
        "invoice_date",
        "due_on",
        "kind",
        "status",
        "total",
    )
    column_formatters = {"total": money_total}
    column_default_sort = ("invoice_date", True)
    column_searchable_list = ("number", "description")
    column_filters = ("status", "kind", "invoice_date", "due_on")
    column_sortable_list = ("number", "invoice_date", "due_on", "status", "kind")
    column_details_exclude_list = ("version",)
    form_columns = (
        "customer",
        "description",
        "invoice_date",
        "due_on",
        "kind",
        "status",
        "invoice_address",
        "notes",
        "lines",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "description": {"validators": [DataRequired("Describe the invoice.")]},
        "invoice_date": {"validators": [DataRequired("Enter the invoice date.")]},
        "due_on": {"validators": [DataRequired("Enter the due date.")]},
    }
    form_ajax_refs = {"customer": customer_loader("customer"), "invoice_address": by_name()}
    inline_models = (InvoiceLineInline(InvoiceLine),)

    def check(self, model, is_created):
        check_invoice(model)


class CreditNoteView(WithLinesView):
    noun = "credit note"
    column_list = (
        "number",
        "customer",
        "invoice",
        "description",
        "credit_date",
        "breakdown",
        "total",
    )
    column_formatters = {"total": money_total}
    column_default_sort = ("credit_date", True)
    column_searchable_list = ("number", "description")
    column_filters = ("credit_date", "breakdown")
    form_columns = (
        "customer",
        "invoice",
        "description",
        "credit_date",
        "breakdown",
        "notes",
        "lines",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "description": {"validators": [DataRequired("Describe the credit.")]},
        "credit_date": {"validators": [DataRequired("Enter the credit date.")]},
    }
    form_ajax_refs = {
        "customer": customer_loader("customer"),
        "invoice": {"fields": ("number",), "page_size": 10},
    }
    inline_models = (CreditNoteLineInline(CreditNoteLine),)

    def check(self, model, is_created):
        check_credit_note(model)


class AllocationInline(InlineFormAdmin):
    form_columns = ("id", "invoice", "amount", "allocated_on")
    form_args = {
        "amount": POSITIVE,
        "allocated_on": {"validators": [DataRequired("Enter the date.")]},
    }
    form_ajax_refs = {"invoice": {"fields": ("number",), "page_size": 10}}


class PaymentView(SecureModelView):
    noun = "payment"
    column_list = ("paid_on", "customer", "payment_method", "reference", "amount")
    column_default_sort = ("paid_on", True)
    column_searchable_list = ("reference",)
    column_filters = ("paid_on", "payment_method", "amount")
    form_columns = (
        "customer",
        "paid_on",
        "payment_method",
        "reference",
        "amount",
        "notes",
        "allocations",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "amount": POSITIVE,
        "paid_on": {"validators": [DataRequired("Enter the payment date.")]},
        "payment_method": {"validators": [DataRequired("Choose how it was paid.")]},
    }
    form_ajax_refs = {"customer": customer_loader("customer"), "payment_method": by_name()}
    inline_models = (AllocationInline(PaymentAllocation),)

    def check(self, model, is_created):
        check_payment(model)


class InvoiceAddressView(SecureModelView):
    noun = "invoice address"
    column_list = ("name", "address_line_1", "town", "postcode", "email")
    column_searchable_list = ("name", "postcode")
    form_columns = ("name", *ADDRESS_FIELDS, "email", "customers")
    form_args = {
        "name": {"validators": [DataRequired("Name the addressee.")]},
        "address_line_1": REQUIRED_LINE_1,
        "email": VALID_EMAIL,
    }
    form_ajax_refs = {"customers": customer_loader("customers")}
