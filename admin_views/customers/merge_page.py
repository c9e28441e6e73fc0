"""Merging two customers, with a preview and an undo (seed 004 "Merge Customer")."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.core.base import CustomerPagesView, changes_data, operation
from extensions import db
from forms.customers.record import typed_correctly
from forms.customers.record_actions import MergeChooseForm, MergeConfirmForm, UnmergeForm
from models import Customer
from models.core.base import utcnow
from models.customers.merge import UNDO_DAYS, merge_customers, merge_preview, unmerge


def customer_by_account(text: str) -> Customer | None:
    """C000123, 000123 or 123: the account number staff quote, as typed."""
    digits = text.strip().upper().removeprefix("C")
    if not digits.isdigit():
        return None
    return db.session.get(Customer, int(digits))


def recent_merges_into(customer: Customer) -> list[Customer]:
    """Customers merged into this one recently enough to undo."""
    return db.session.scalars(
        select(Customer)
        .where(
            Customer.merged_into_id == customer.id,
            Customer.merged_at >= utcnow() - timedelta(days=UNDO_DAYS),
        )
        .order_by(Customer.merged_at.desc())
    ).all()


class MergePages(CustomerPagesView):
    """The merge pages, mounted on the customer view; merged customers become tombstones."""

    @expose("/<int:customer_id>/merge/", methods=("GET", "POST"))
    @changes_data
    def merge_choose(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = MergeChooseForm()
        if form.validate_on_submit():
            other = customer_by_account(form.other.data)
            if other is None or other.merged_into_id:
                form.other.errors = ["No customer has that account number."]
            else:
                keep, absorb = (customer, other) if form.keep.data == "this" else (other, customer)
                return redirect(
                    url_for(".merge_preview_page", keep_id=keep.id, absorb_id=absorb.id)
                )
        return self.render(
            "admin/customers/record/action.html",
            customer=customer,
            form=form,
            title="Merge customer",
            submit="Preview the merge",
            style="primary",
            intro="Two records for the same customer become one: everything on "
            "the absorbed record moves to the one you keep. You will see "
            "what moves before anything changes.",
        )

    @expose("/<int:keep_id>/merge/<int:absorb_id>/", methods=("GET", "POST"))
    @changes_data
    def merge_preview_page(self, keep_id: int, absorb_id: int):
        keep, absorb = self.load_customer(keep_id), self.load_customer(absorb_id)
        form = MergeConfirmForm()
        with operation(refused_as="Not merged") as outcome:
            if form.validate_on_submit() and typed_correctly(form.confirm):
                merge_customers(db.session, keep, absorb, current_user._get_current_object())
                merged = True
            else:
                merged = False
                if form.is_submitted() and not form.confirm.errors:
                    form.confirm.errors = ['Type "merge" to confirm.']
                preview = merge_preview(db.session, keep, absorb)  # a rule may refuse it too
        if not outcome.done:
            return redirect(self.record_url(keep))
        if merged:
            flash(
                f"{absorb.account_number} {absorb.display_name} was merged into this "
                f"record. You can undo it for {UNDO_DAYS} days.",
                "success",
            )
            return redirect(self.record_url(keep))
        return self.render(
            "admin/customers/record/merge_preview.html", preview=preview, form=form, customer=keep
        )

    @expose("/<int:absorbed_id>/unmerge/", methods=("POST",))
    @changes_data
    def unmerge_action(self, absorbed_id: int):
        absorbed = db.session.get(Customer, absorbed_id)
        if absorbed is None or not absorbed.merged_into_id:
            abort(404)
        kept = absorbed.merged_into
        form = UnmergeForm()
        if not (form.validate_on_submit() and typed_correctly(form.confirm)):
            flash('Not undone: type "unmerge" to confirm.', "error")
            return redirect(self.record_url(kept))
        with operation(refused_as="Not undone") as outcome:
            unmerge(db.session, absorbed, current_user._get_current_object())
        if not outcome.done:
            return redirect(self.record_url(kept))
        flash(f"The merge was undone: {absorbed.display_name} has its own record again.", "success")
        return redirect(self.record_url(absorbed))
