"""Record actions: the customer record's Actions menu (seed 004 "Quick links", "Advanced
Options", "Admin Tools", "Deactivate/Reactivate"). An action is an endpoint taking customer_id,
on any view, plus one `RecordAction` line in RECORD_ACTIONS, under its section's heading; each
runs one domain operation in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from sqlalchemy import select

from extensions import db
from forms.record import typed_correctly
from forms.record_actions import (
    ChangeTypeForm,
    DeleteCustomerForm,
    DormantForm,
    MergeBranchForm,
    ReactivateForm,
)
from models import Branch, Customer, CustomerType, DomainError, Role, Status, ValidationFailed
from models.customers.contacts import merge_branches
from models.customers.lifecycle import change_customer_type
from models.customers.status import reactivate, set_dormant

from .base import allowed, changes_data, committed, customer_row, endpoint_role, form_page
from .payment_pages import has_account_credit


@dataclass(frozen=True)
class RecordAction:
    title: str
    endpoint: str  # an endpoint taking customer_id
    section: str = "Advanced options"  # the menu's heading it sits under (seed 004 Quick links)
    shown: Callable[[Customer], bool] = field(default=lambda customer: True)

    def url(self, customer: Customer) -> str:
        return url_for(self.endpoint, customer_id=customer.id)

    def allowed(self, user) -> bool:
        return user.may(endpoint_role(self.endpoint))  # the endpoint's own declaration


RECORD_ACTIONS: list[RecordAction] = [
    RecordAction("Add consolidated invoice", "invoice.consolidated_page", "Invoices"),
    RecordAction("Add credit note", "creditnote.add_for_customer", "Invoices"),
    RecordAction("Invoice settings", "invoice_settings.settings_page", "Invoices"),
    RecordAction("Add cash allocation", "customer_payments.cash_allocation", "Payments"),
    RecordAction("Add account credit", "customer_payments.account_credit", "Payments"),
    RecordAction(
        "Allocate account credit",
        "customer_payments.allocate_credit",
        "Payments",
        shown=has_account_credit,
    ),
    RecordAction("Stored cards", "stored_cards.cards", "Payments"),
    RecordAction("Send statement", "statement.statement_page", "Statements"),
    RecordAction("Service reminders", "reminders_due.index", "Service reminders"),
    RecordAction("Add contract", "customer_service.add_contract", "Contracts"),
    RecordAction("Add service plan", "customer_service.add_service_plan", "Service plans"),
    RecordAction("Add/edit SLA", "customer_service.sla", "Associate SLA"),
    RecordAction(
        "Set dormant",
        "customer.dormant_action",
        shown=lambda customer: customer.status == Status.active,
    ),
    RecordAction(
        "Reactivate",
        "customer.reactivate_action",
        shown=lambda customer: customer.status == Status.dormant,
    ),
    RecordAction("Change customer type", "customer.change_type_action"),
    RecordAction("Merge customer", "customer.merge_choose"),
    RecordAction("Manage portal access", "customer.manage_portal", "Customer portal"),
    RecordAction("Export all customer data", "customer.export_customer", "Admin tools"),
    RecordAction("Delete customer", "customer.delete_action", "Admin tools"),
]


def actions_for(customer: Customer, user) -> list[RecordAction]:
    return [a for a in RECORD_ACTIONS if a.allowed(user) and a.shown(customer)]


class RecordActionsMixin:
    """Adds the record actions to the customer view (which provides load_customer/record_url)."""

    def action_page(self, customer, form, title, intro, submit, style="primary"):
        return form_page(
            self,
            "admin/record/action.html",
            customer=customer,
            form=form,
            title=title,
            intro=intro,
            submit=submit,
            style=style,
        )

    def run(self, customer, operation, done: str, tab: str = ""):
        """One transaction: commit and say so, or roll back and say why (nothing changed)."""
        refusal = committed(operation)
        if isinstance(refusal, ValidationFailed):
            raise refusal  # shown beside its fields
        if refusal is not None:
            flash(f"Nothing changed: {refusal}", "error")
            return None
        flash(done, "success")
        return redirect(self.record_url(customer, tab))

    @expose("/<int:customer_id>/dormant/", methods=("GET", "POST"))
    @changes_data
    def dormant_action(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = DormantForm()
        if form.validate_on_submit():
            done = self.run(
                customer,
                lambda: set_dormant(
                    db.session, customer, form.reason.data, form.do_not_work_with_again.data
                ),
                f"{customer.display_name} and their work addresses are dormant.",
            )
            if done:
                return done
        return self.action_page(
            customer,
            form,
            "Set dormant",
            "Dormant customers and their work addresses get no automatic communications, such "
            "as service reminders. Invoices can still be raised for open jobs. To deactivate "
            "someone you will not work with again, give the reason and tick the box: it is "
            "pinned to the record and shown whenever a new work is added.",
            "Set dormant",
            "warning",
        )

    @expose("/<int:customer_id>/reactivate/", methods=("GET", "POST"))
    @changes_data
    def reactivate_action(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = ReactivateForm()
        if form.validate_on_submit():
            done = self.run(
                customer,
                lambda: reactivate(db.session, customer, form.unpin.data),
                f"{customer.display_name} and their work addresses are active again.",
            )
            if done:
                return done
        return self.action_page(
            customer,
            form,
            "Reactivate",
            "The customer and their work addresses become active again.",
            "Reactivate",
        )

    @expose("/<int:customer_id>/change-type/", methods=("GET", "POST"))
    @changes_data
    def change_type_action(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = ChangeTypeForm()
        form.customer_type.choices = [
            (t.id, t.name)
            for t in db.session.scalars(select(CustomerType).order_by(CustomerType.name))
            if t.id != customer.customer_type_id
        ]
        if form.validate_on_submit():
            if not typed_correctly(form.confirm):
                form.confirm.errors = ['Type "change" to confirm.']
            else:
                new_type = db.session.get(CustomerType, form.customer_type.data)
                try:
                    done = self.run(
                        customer,
                        lambda: change_customer_type(
                            db.session,
                            customer,
                            new_type,
                            form.company_name.data,
                            form.contact_surname.data,
                        ),
                        f"{customer.display_name} is now a {new_type} customer.",
                    )
                    if done:
                        return done
                except ValidationFailed as failed:
                    for name, message in failed.errors.items():
                        target = form._fields.get(name, form.customer_type)
                        target.errors = [*target.errors, message]
        return self.action_page(
            customer,
            form,
            "Change customer type",
            f"This customer is {customer.customer_type}. Change the type only to correct a "
            "mistake: the change is permanent and cannot be undone.",
            "Change type",
            "danger",
        )

    @expose("/<int:customer_id>/delete/", methods=("GET", "POST"))
    @allowed(Role.admin)
    def delete_action(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = DeleteCustomerForm()
        if form.validate_on_submit():
            if not typed_correctly(form.confirm):
                form.confirm.errors = ['Type "delete" to confirm.']
            else:
                name = customer.display_name
                refusal = committed(lambda: self.delete_row(customer))
                if refusal is not None:
                    flash(f"Not deleted: {refusal}", "error")
                    return redirect(self.record_url(customer))
                flash(f"Deleted {name} and everything on their record.", "success")
                return redirect(url_for(".index_view"))
        return self.action_page(
            customer,
            form,
            "Delete customer",
            "Deleting a customer permanently removes every related record: contacts, work "
            "addresses, works, notes, files. Customers with issued invoices or payments cannot "
            "be deleted: set them dormant instead.",
            "Delete",
            "danger",
        )

    @expose("/<int:customer_id>/branches/<int:branch_id>/merge/", methods=("GET", "POST"))
    @changes_data
    def merge_branch_action(self, customer_id: int, branch_id: int):
        customer = self.load_customer(customer_id)
        keep = customer_row(Branch, branch_id, customer)
        form = MergeBranchForm()
        form.absorb.choices = [
            (b.id, b.name)
            for b in db.session.scalars(
                select(Branch)
                .where(Branch.customer_id == customer.id, Branch.id != keep.id)
                .order_by(Branch.name)
            )
        ]
        if form.validate_on_submit():
            if not typed_correctly(form.confirm):
                form.confirm.errors = ['Type "merge" to confirm.']
            else:
                absorb = customer_row(Branch, form.absorb.data, customer)
                done = self.run(
                    customer,
                    lambda: merge_branches(db.session, keep, absorb),
                    f"{absorb.name} was merged into {keep.name}.",
                    "branches",
                )
                if done:
                    return done
        return self.action_page(
            customer,
            form,
            f"Merge a branch into {keep.name}",
            f"The chosen branch's work addresses, contacts and phone numbers move to "
            f"{keep.name}, and the chosen branch is removed.",
            "Merge branches",
            "danger",
        )

    @action(
        "dormant", "Set dormant", "Set the selected customers and their work addresses dormant?"
    )
    def bulk_dormant(self, ids):
        # Posted ids are re-scoped through the view's own query, as the built-in delete does.
        chosen = self.scoped(ids).all()
        try:
            for customer in chosen:
                set_dormant(db.session, customer)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(f"Nothing changed: {error}", "error")
            return
        flash(f"{len(chosen)} customers set dormant, with their work addresses.", "success")
