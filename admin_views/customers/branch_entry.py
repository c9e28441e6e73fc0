"""Adding and editing a customer's branch (seed 004 "Branches"): in a modal on the record's
Branches tab, or as a page; its name, address, email and phones."""

from __future__ import annotations

from admin_views.customers.entry_modal import TabEntryPages
from extensions import db
from forms.customers.entry import BranchForm, fill
from models.customers.entry import save_branch


class BranchEntryMixin(TabEntryPages):
    """For the branch view: its create and edit endpoints, on the Branches tab."""

    entry_tab = "branches"
    entry_fragment = "admin/customers/branch/form.html"

    def entry_form(self, customer, record):
        return BranchForm(obj=record)

    def entry_save(self, record, form):
        fill(form, record)
        save_branch(db.session, record)
