"""The record's own quick links (seed 004 "Admin tools", "Customer portal", "Deactivate/
Reactivate"), declared as ConfirmActions, and the customer view's endpoints made from every
declared one. Links to pages of other views (payments, statements, …) are declared beside
those pages."""

from __future__ import annotations

from types import MethodType

from flask import current_app, flash, redirect, url_for
from flask_admin.base import _wrap_view
from sqlalchemy import select

from admin_views.core.base import form_page, live_customer, operation
from admin_views.customers.record import ACTIONS, ConfirmAction, PageLink, register_action
from extensions import db
from forms.core.base import put_on_fields
from forms.customers.record import typed_correctly
from forms.customers.record_actions import (
    ChangeTypeForm,
    DeleteCustomerForm,
    DormantForm,
    ReactivateForm,
)
from models import CustomerType, Role, Status, ValidationFailed
from models.customers.lifecycle import change_customer_type, delete_customer
from models.customers.status import reactivate, set_dormant


def add_action_endpoints(view, blueprint) -> None:
    """An endpoint on `view` (the customer view) for every declared ConfirmAction. Each is
    wrapped as Flask-Admin wraps its own, so login and the declared role are checked first."""
    for action in ACTIONS:
        if not isinstance(action, ConfirmAction):
            continue

        def endpoint(view, customer_id: int, action=action):
            return confirm_page(view, action, customer_id)

        endpoint.__name__ = action.name
        endpoint.allowed_role = action.allowed  # read by AccessMixin.required_role
        method = MethodType(_wrap_view(endpoint), view)
        setattr(view, action.name, method)
        rule = f"/<int:customer_id>/{action.path}/"
        blueprint.add_url_rule(rule, action.name, method, methods=("GET", "POST"))


def confirm_page(view, action: ConfirmAction, customer_id: int):
    """The action's form; when posted and confirmed, its operation in one transaction."""
    customer = live_customer(customer_id)
    form = action.form()
    action.prepare(form, customer)
    if form.validate_on_submit():
        if "confirm" in form and not typed_correctly(form.confirm):
            form.confirm.errors = [f'Type "{form.confirm.render_kw["data-word"]}" to confirm.']
        else:
            with operation(form, action.refused_as, quiet=True) as outcome:
                said = action.run(customer, form)
            if outcome.done:
                flash(said, "success")
                return redirect(action.done_url(customer))
            if isinstance(outcome.refusal, ValidationFailed):
                first = next(field for field in form if field.name != "csrf_token")
                put_on_fields(form, outcome.refusal, others=first)
            else:
                flash(f"{action.refused_as}: {outcome.refusal}", "error")
                if action.back_to_record_when_refused:
                    return redirect(url_for("customer.details_view", id=customer.id))
    return form_page(
        view,
        "admin/customers/record/action.html",
        customer=customer,
        form=form,
        title=action.title,
        intro=action.introduce(customer),
        submit=action.submit,
        style=action.style,
    )


@register_action(heading="Admin tools", weight=10)
class SetDormant(ConfirmAction):
    title = submit = "Set dormant"
    name, path, form, style = "dormant_action", "dormant", DormantForm, "warning"
    intro = (
        "Dormant customers and their work addresses get no automatic communications, such "
        "as service reminders. Invoices can still be raised for open jobs. To deactivate "
        "someone you will not work with again, give the reason and tick the box: it is "
        "pinned to the record and shown whenever a new work is added."
    )

    def shown(self, customer):
        return customer.status == Status.active

    def run(self, customer, form):
        set_dormant(db.session, customer, form.reason.data, form.do_not_work_with_again.data)
        return f"{customer.display_name} and their work addresses are dormant."


@register_action(heading="Admin tools", weight=20)
class Reactivate(ConfirmAction):
    title = submit = "Reactivate"
    name, path, form = "reactivate_action", "reactivate", ReactivateForm
    intro = "The customer and their work addresses become active again."

    def shown(self, customer):
        return customer.status == Status.dormant

    def run(self, customer, form):
        reactivate(db.session, customer, form.unpin.data)
        return f"{customer.display_name} and their work addresses are active again."


@register_action(heading="Admin tools", weight=40)
class ChangeType(ConfirmAction):
    title, submit, style = "Change customer type", "Change type", "danger"
    destructive = True  # permanent: the type's own fields are rewritten
    name, path, form = "change_type_action", "change-type", ChangeTypeForm

    def prepare(self, form, customer):
        form.customer_type.choices = [
            (t.id, t.name)
            for t in db.session.scalars(select(CustomerType).order_by(CustomerType.name))
            if t.id != customer.customer_type_id
        ]

    def introduce(self, customer):
        return (
            f"This customer is {customer.customer_type}. Change the type only to correct a "
            "mistake: the change is permanent and cannot be undone."
        )

    def run(self, customer, form):
        new_type = db.session.get(CustomerType, form.customer_type.data)
        change_customer_type(
            db.session, customer, new_type, form.company_name.data, form.contact_surname.data
        )
        return f"{customer.display_name} is now a {new_type} customer."


@register_action(heading="Admin tools", weight=50)
class MergeCustomer(PageLink):
    title, endpoint = "Merge customer", "customer.merge_choose"
    destructive = True  # undone only within 30 days, and only while nothing was added since


@register_action(heading="Customer portal", weight=10)
class ManagePortal(PageLink):
    title, endpoint = "Manage portal access", "customer.manage_portal"


@register_action(heading="Admin tools", weight=30)
class ExportCustomer(PageLink):
    title, endpoint = "Export all customer data", "customer.export_customer"


@register_action(heading="Admin tools", weight=60)
class DeleteCustomer(ConfirmAction):
    title, submit, style = "Delete customer", "Delete", "danger"
    destructive = True
    name, path, form, allowed = "delete_action", "delete", DeleteCustomerForm, Role.admin
    refused_as, back_to_record_when_refused = "Not deleted", True
    intro = (
        "Deleting a customer permanently removes every related record: contacts, work "
        "addresses, works, notes, files. Customers with issued invoices or payments cannot "
        "be deleted: set them dormant instead."
    )

    def run(self, customer, form):
        name = customer.display_name
        delete_customer(db.session, customer, current_app.config["UPLOAD_FOLDER"])
        return f"Deleted {name} and everything on their record."

    def done_url(self, customer):
        return url_for("customer.index_view")
