"""The credit note form (seed 004 "Add New Credit Note"): details, breakdown style, lines."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.core.base import PanelForm
from forms.money.lines import MAX_LINES, LineForm
from models import BreakdownStyle, CreditNote, CreditNoteLine

# As the seed names them.
BREAKDOWN_CHOICES = [(style.value, style.label) for style in BreakdownStyle]


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
    lines = FieldList(FormField(LineForm), max_entries=MAX_LINES)

    def fill(self, credit_note: CreditNote) -> CreditNote:
        """Copy what was typed onto the (unsaved) credit note."""
        credit_note.description = self.description.data.strip()
        credit_note.credit_date = self.credit_date.data
        credit_note.breakdown = BreakdownStyle(self.breakdown.data)
        credit_note.notes = self.notes.data or None
        credit_note.lines = [CreditNoteLine(**entry.form.typed()) for entry in self.lines]
        return credit_note
