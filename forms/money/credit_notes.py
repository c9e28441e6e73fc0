"""The credit note form (seed 004 "Add New Credit Note"): details, breakdown style, lines."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.core.base import PanelForm
from forms.money.invoices import AmountField, tax_rate_field
from models import BreakdownStyle, CreditNote, CreditNoteLine, LineCategory

# As the seed names them.
BREAKDOWN_CHOICES = [
    (BreakdownStyle.none.value, "No breakdown"),
    (BreakdownStyle.by_category.value, "Breakdown by category"),
    (BreakdownStyle.full.value, "Full breakdown"),
    (BreakdownStyle.full_by_category.value, "Full breakdown by category"),
]
CATEGORY_CHOICES = [(category.value, category.value.title()) for category in LineCategory]
MAX_LINES = 100


class CreditNoteLineForm(Form):
    """One line to credit; the CSRF token is the enclosing form's."""

    category = SelectField(
        "Category",
        choices=CATEGORY_CHOICES,
        default=LineCategory.labour.value,
    )
    description = StringField(
        "Description", validators=[DataRequired("Describe the line."), Length(max=255)]
    )
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


class CreditNoteForm(PanelForm):
    description = StringField(
        "Description", validators=[DataRequired("Describe the credit."), Length(max=255)]
    )
    credit_date = DateField(
        "Credit note date",
        validators=[DataRequired("Enter the credit note date (YYYY-MM-DD).")],
        default=date.today,
    )
    breakdown = SelectField(
        "Breakdown style", choices=BREAKDOWN_CHOICES, default=BreakdownStyle.none.value
    )
    notes = TextAreaField("Notes for the customer", validators=[Optional(), Length(max=4000)])
    # No blank row forced on a post: removing every line is refused by the rules, in words.
    lines = FieldList(FormField(CreditNoteLineForm), max_entries=MAX_LINES)

    def fill(self, credit_note: CreditNote) -> CreditNote:
        """Copy what was typed onto the (unsaved) credit note."""
        credit_note.description = self.description.data.strip()
        credit_note.credit_date = self.credit_date.data
        credit_note.breakdown = BreakdownStyle(self.breakdown.data)
        credit_note.notes = self.notes.data or None
        credit_note.lines = [
            CreditNoteLine(
                category=LineCategory(line.category.data),
                description=line.description.data.strip(),
                quantity=line.quantity.data,
                unit_price=line.unit_price.data,
                tax_rate=line.tax_rate.data,
            )
            for line in (entry.form for entry in self.lines)
        ]
        return credit_note
