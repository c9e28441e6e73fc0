"""The rows of the line editor (invoices and credit notes): what a priced line accepts.

`LinePriceForm` is the part that prices a row, so the live totals judge a half-typed row by
the same checks as the saved form; `LineForm` adds what the line says; an invoice's line may
also name the job it bills.
"""

from __future__ import annotations

from wtforms import Form, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from forms.money.invoices import AmountField, tax_rate_field
from models import LineCategory

CATEGORY_CHOICES = [(category.value, category.label) for category in LineCategory]
MAX_LINES = 100


class LinePriceForm(Form):
    """Quantity × unit price, plus tax at the rate; the CSRF token is the enclosing form's."""

    quantity = AmountField(
        "Quantity",
        [
            InputRequired("Enter the quantity."),
            NumberRange(min=0.01, message="Must be more than zero."),
        ],
        default=1,
    )
    unit_price = AmountField(
        "Unit price",
        [InputRequired("Enter the unit price."), NumberRange(min=0, message="Cannot be negative.")],
    )
    tax_rate = tax_rate_field()


class LineForm(LinePriceForm):
    category = SelectField("Category", choices=CATEGORY_CHOICES, default=LineCategory.labour.value)
    description = StringField(
        "Description", validators=[DataRequired("Describe the line."), Length(max=255)]
    )

    def typed(self) -> dict:
        """The line as typed, for a document's line (CreditNoteLine, DraftLine)."""
        return {
            "category": LineCategory(self.category.data),
            "description": self.description.data.strip(),
            "quantity": self.quantity.data,
            "unit_price": self.unit_price.data,
            "tax_rate": self.tax_rate.data,
        }


def optional_id(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


class RowChoiceField(SelectField):
    """A choice among the rows the page offers (the customer's jobs, contacts …), by id, or
    none; an id the page did not offer (another customer's) is refused with `refusal`."""

    def __init__(self, label, refusal: str, **kwargs):
        super().__init__(label, coerce=optional_id, **kwargs)
        self.refusal = refusal

    def pre_validate(self, form) -> None:
        offered = {optional_id(value) for value, _label in self.choices or ()}
        if self.data is not None and self.data not in offered:
            raise ValidationError(self.refusal)


class InvoiceLineForm(LineForm):
    work = RowChoiceField("Job", "Choose one of this customer's jobs.")
