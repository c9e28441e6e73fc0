"""Invoices, credit notes, payments and invoice addresses as model views; the invoice and
credit note workflows are on their own pages (invoice_pages.py, credit_note_pages.py)."""

from sqlalchemy.orm import selectinload
from wtforms.validators import DataRequired, InputRequired, NumberRange

from admin_views.core.base import NoStockForm, SecureModelView, is_row_id, money_cells
from admin_views.core.lookups import by_name, customer_loader
from admin_views.customers.views import ADDRESS_FIELDS, REQUIRED_LINE_1, VALID_EMAIL
from admin_views.money.credit_note_pages import CreditNotePagesMixin
from admin_views.money.invoice_form_pages import InvoiceFormPagesMixin
from admin_views.money.invoice_pages import InvoicePagesMixin
from extensions import db
from forms.money.invoices import StorableAmount
from models import PaymentAllocation
from models.money.invoice_addresses import refuse_deleting_invoice_address
from models.money.rules import check_payment

NOT_A_NUMBER = "Enter a number, such as 125.50."
CUSTOMER_REQUIRED = {"validators": [DataRequired("Choose the customer.")]}


class WithLinesView(SecureModelView):
    """Lists whose total column sums the lines: loaded in one extra query, not one per row."""

    def get_query(self):
        return super().get_query().options(selectinload(self.model.lines))


class InvoiceView(InvoiceFormPagesMixin, InvoicePagesMixin, NoStockForm, WithLinesView):
    """Drafts are added and edited in the line editor (invoice_form_pages.py); issuing,
    voiding and crediting are buttons on the invoice's page (invoice_pages.py), so no form
    offers a status or a number."""

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
    column_formatters = money_cells("total")
    column_default_sort = ("invoice_date", True)
    column_searchable_list = ("number", "description")
    column_filters = ("status", "kind", "invoice_date", "due_on")
    column_sortable_list = ("number", "invoice_date", "due_on", "status", "kind")
    column_details_list = (
        *column_list[:2],
        "invoice_address",
        "contact",
        *column_list[2:],
        "notes",
        "issued_at",
        "voided_on",
        "void_reason",
        "created_at",
        "updated_at",
    )


class CreditNoteView(CreditNotePagesMixin, NoStockForm, WithLinesView):
    """Created on the credit note pages, which keep every rule; saved ones are not edited."""

    noun = "credit note"
    allow_edit = False
    column_list = (
        "number",
        "customer",
        "invoice",
        "description",
        "credit_date",
        "breakdown",
        "total",
    )
    column_formatters = money_cells("total")
    column_default_sort = ("credit_date", True)
    column_searchable_list = ("number", "description")
    column_filters = ("credit_date", "breakdown")
    column_sortable_list = ("number", "description", "credit_date", "breakdown")
    column_details_list = (*column_list, "notes", "created_at", "updated_at")


class PaymentView(SecureModelView):
    """Allocations are not edited here: they are made on the record's payment pages, which
    keep every rule (admin_views/money/payment_pages.py), and removed from the details page."""

    noun = "payment"
    column_list = ("paid_on", "customer", "payment_method", "reference", "amount")
    column_default_sort = ("paid_on", True)
    column_searchable_list = ("reference",)
    column_filters = ("paid_on", "payment_method.name", "amount")
    column_labels = {"payment_method.name": "Payment method"}
    column_sortable_list = ("paid_on", "reference", "amount")
    column_formatters = money_cells("amount")
    column_details_list = (
        "customer",
        "payment_method",
        "paid_on",
        "reference",
        "nominal_account",
        "amount",
        "notes",
        "created_at",
        "updated_at",
    )
    form_columns = (
        "customer",
        "paid_on",
        "payment_method",
        "reference",
        "nominal_account",
        "amount",
        "notes",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "amount": {
            "invalid_value_message": NOT_A_NUMBER,
            "validators": [
                InputRequired("Enter an amount."),
                NumberRange(min=0.01, message="Must be more than zero."),
                StorableAmount(),
            ],
        },
        "paid_on": {"validators": [DataRequired("Enter the payment date.")]},
        "payment_method": {"validators": [DataRequired("Choose how it was paid.")]},
    }
    form_ajax_refs = {"customer": customer_loader("customer"), "payment_method": by_name()}
    details_template = "admin/money/payment/details.html"

    def get_one(self, id):
        # The details page lists the allocations and their invoices: loaded with the payment.
        if not is_row_id(id):
            return None
        return (
            self.get_query()
            .options(selectinload(self.model.allocations).joinedload(PaymentAllocation.invoice))
            .filter(self.model.id == int(id))
            .one_or_none()
        )

    def check(self, model, is_created):
        check_payment(model)  # e.g. the amount cannot drop below what is allocated


class InvoiceAddressView(SecureModelView):
    noun = "invoice address"
    column_list = ("name", "address_line_1", "town", "postcode", "email")
    column_details_list = ("name", *ADDRESS_FIELDS, "email", "created_at", "updated_at")
    column_sortable_list = ("name", "address_line_1", "town", "postcode", "email")
    column_searchable_list = ("name", "postcode")
    column_filters = ("town", "postcode")
    form_columns = ("name", *ADDRESS_FIELDS, "email", "customers")
    form_args = {
        "name": {"validators": [DataRequired("Name the addressee.")]},
        "address_line_1": REQUIRED_LINE_1,
        "email": VALID_EMAIL,
    }
    form_ajax_refs = {"customers": customer_loader("customers")}

    def on_model_delete(self, model) -> None:
        refuse_deleting_invoice_address(db.session, model)
