"""Forms of the invoice pages: raising, voiding and consolidating invoices."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from forms.core.base import PanelForm
from models import InvoiceKind

PENNY = Decimal("0.01")
# Money columns are Numeric(12, 2): ten digits before the point.
LARGEST = Decimal("9999999999.99")
KIND_CHOICES = [
    (InvoiceKind.interim.value, "Interim invoice"),
    (InvoiceKind.final.value, "Final invoice"),
    (InvoiceKind.free_of_charge.value, "Free of charge"),
]


def amount_problem(value: Decimal | None) -> str | None:
    """Why a typed amount cannot be stored, if it cannot: not a number (NaN, Infinity), a
    fraction of a penny (the column would round it silently) or too large for the ledger."""
    if value is None:
        return None
    if not value.is_finite():
        return "Enter a number, such as 125.50."
    if abs(value) > LARGEST:  # checked first: quantizing a huge number raises
        return "That amount is too large."
    if value != value.quantize(PENNY):
        return "Use at most two decimal places."
    return None


def parse_amount(text: str | None) -> tuple[Decimal | None, str | None]:
    """A typed amount ("1,250.50") as a Decimal, or the reason it is not one."""
    text = (text or "").replace(",", "").strip()
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "Enter a number, such as 125.50."
    problem = amount_problem(value)
    return (None, problem) if problem else (value, None)


class StorableAmount:
    """Validator: the field's Decimal fits a money column exactly."""

    def __call__(self, form, field) -> None:
        problem = amount_problem(field.data)
        if problem:
            raise StopValidation(problem)


class AmountField(DecimalField):
    """A money or quantity field whose refusals say what to type."""

    def __init__(self, label=None, validators=None, **kwargs):
        # Judged storable first: a range check on a signalling NaN ("sNaN") would raise.
        super().__init__(
            label,
            [StorableAmount(), *(validators or [])],
            invalid_value_message="Enter a number, such as 125.50.",
            **kwargs,
        )

    def process_formdata(self, valuelist):
        # "1,250.50" as people type it
        super().process_formdata([value.replace(",", "") for value in valuelist])


def tax_rate_field() -> AmountField:
    return AmountField(
        "Tax rate (%)",
        [
            InputRequired("Enter the tax rate (0 for none)."),
            NumberRange(min=0, max=100, message="A percentage, 0 to 100."),
        ],
        default=Decimal("20.00"),
    )


class RaiseInvoiceForm(PanelForm):
    """From a job page: which kind of invoice to draft for the work."""

    kind = SelectField("Invoice type", choices=KIND_CHOICES[:2], default=InvoiceKind.final.value)


class VoidInvoiceForm(PanelForm):
    reason = TextAreaField(
        "Why is the invoice void?",
        validators=[DataRequired("Say why the invoice is void."), Length(max=255)],
    )


class ConsolidatedInvoiceForm(PanelForm):
    """The invoice's own fields; the works ticked and their totals are posted per row
    (`works`, `total-<work id>`) and read by the view."""

    description = StringField(
        "Description", validators=[DataRequired("Describe the invoice."), Length(max=255)]
    )
    invoice_date = DateField(
        "Invoice date", validators=[DataRequired("Enter the invoice date (YYYY-MM-DD).")]
    )
    due_on = DateField("Payment due on", validators=[Optional()])
    kind = SelectField("Invoice type", choices=KIND_CHOICES, default=InvoiceKind.final.value)
    tax_rate = tax_rate_field()
    notes = TextAreaField("Invoice notes", validators=[Optional(), Length(max=4000)])
    # Shown only when the customer has an email address (seed 004).
    email_customer = BooleanField("Email it to the customer")
