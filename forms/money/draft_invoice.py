"""The draft invoice form (seed 004 "Invoices"): the invoice's details and its lines, edited
in the line editor; the customer is the page's, so its jobs, contacts and invoice addresses
are the only ones offered."""

from __future__ import annotations

from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from forms.core.base import PanelForm
from forms.money.invoices import KIND_CHOICES
from forms.money.lines import MAX_LINES, InvoiceLineForm, RowChoiceField, optional_id
from models import Invoice, InvoiceKind
from models.money.invoicing import DraftLine


class DraftInvoiceForm(PanelForm):
    description = StringField(
        "Description", validators=[DataRequired("Describe the invoice."), Length(max=255)]
    )
    invoice_date = DateField(
        "Invoice date", validators=[DataRequired("Enter the invoice date (YYYY-MM-DD).")]
    )
    due_on = DateField("Payment due on", validators=[DataRequired("Enter the due date.")])
    kind = SelectField("Invoice type", choices=KIND_CHOICES, default=InvoiceKind.final.value)
    contact = RowChoiceField("Contact", "Choose a contact of the invoiced customer.")
    invoice_address = RowChoiceField("Invoice address", "Choose one of the customer's addresses.")
    notes = TextAreaField("Invoice notes", validators=[Optional(), Length(max=4000)])
    # The version the user opened: a save over someone else's change is refused.
    version = HiddenField(filters=[optional_id])
    # No blank row forced on a post: removing every line is refused by the rules, in words.
    lines = FieldList(FormField(InvoiceLineForm), max_entries=MAX_LINES)

    def offer(self, jobs, contacts, addresses) -> None:
        """The rows the selects offer: the customer's (each select may also be left empty)."""
        self.offered = {
            "work": {job.id: job for job in jobs},
            "contact": {contact.id: contact for contact in contacts},
            "invoice_address": {address.id: address for address in addresses},
        }
        self.contact.choices = [("", "No contact"), *((c.id, str(c)) for c in contacts)]
        self.invoice_address.choices = [
            ("", "The customer's own address"),
            *((a.id, str(a)) for a in addresses),
        ]
        self.job_choices = [("", "No job"), *((w.id, f"{w.number} {w.description}") for w in jobs)]
        for entry in self.lines:
            entry.form.work.choices = self.job_choices

    def details(self) -> dict:
        """What save_draft_invoice takes besides the lines, as typed and chosen."""
        return {
            "description": self.description.data,
            "invoice_date": self.invoice_date.data,
            "due_on": self.due_on.data,
            "kind": InvoiceKind(self.kind.data),
            "contact": self.offered["contact"].get(self.contact.data),
            "invoice_address": self.offered["invoice_address"].get(self.invoice_address.data),
            "notes": self.notes.data or None,
            "seen_version": self.version.data,
        }

    def draft_lines(self) -> list[DraftLine]:
        return [
            DraftLine(**line.typed(), work=self.offered["work"].get(line.work.data))
            for line in (entry.form for entry in self.lines)
        ]


def draft_data(invoice: Invoice) -> dict:
    """A saved draft as the form shows it when opened."""
    return {
        "description": invoice.description,
        "invoice_date": invoice.invoice_date,
        "due_on": invoice.due_on,
        "kind": invoice.kind.value,
        "contact": invoice.contact_id,
        "invoice_address": invoice.invoice_address_id,
        "notes": invoice.notes,
        "version": invoice.version,
        "lines": [
            {
                "category": line.category.value,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "tax_rate": line.tax_rate,
                "work": line.work_id,
            }
            for line in invoice.lines
        ],
    }
