"""The customer record's payment pages (seed 004 "Payments": cash allocations, account credit)
and taking an allocation off an invoice from a payment's details page.

Every page runs `models.money.payments` operations in one transaction: it commits whole, or rolls
back and shows the refusals beside the fields and invoice rows they are about. CSRFProtect
checks the token of every POST.
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from admin_views.core.base import (
    CustomerPagesView,
    changes_data,
    form_page,
    live_customer,
    operation,
    safe_next,
)
from admin_views.customers.record import PageLink, page_balance, register_action
from extensions import db
from forms.core.base import put_on_fields, refusals
from forms.money.payments import AccountCreditForm, PaymentForm, read_allocations
from models import Customer, DomainError, Invoice, PaymentAllocation, PaymentMethod
from models.core.base import MAX_ROW_ID
from models.core.formats import money
from models.money.balances import customer_balance, open_invoices
from models.money.payments import (
    Allocation,
    allocate_account_credit,
    record_payment,
    remove_allocation,
    unallocated,
)


def has_account_credit(customer: Customer) -> bool:
    """For the quick links: the record page has computed the balance already."""
    return page_balance(customer).account_credit > 0


def allocated_to(allocations) -> str:
    """ "£200.00 to INV-000012, £50.00 to INV-000013" """
    return ", ".join(f"{money(a.amount)} to {a.invoice}" for a in allocations)


def payment_recorded(amount: Decimal, allocated: str, left: Decimal) -> str:
    said = [f"Payment of {money(amount)} recorded."]
    if allocated:
        said.append(f"Allocated {allocated}.")
    said.append(f"{money(left)} left as account credit." if left else "Nothing left over.")
    return " ".join(said)


class Grid:
    """The customer's open invoices, what was typed against each, and the refusals."""

    def __init__(self, customer: Customer, formdata=None):
        self.invoices = open_invoices(db.session, customer.id)
        self.typed = {k: v for k, v in (formdata or {}).items() if k.startswith("allocation-")}
        self.amounts, self.errors = read_allocations(formdata or {})
        self.general: list[str] = []

    @property
    def refused(self) -> bool:
        return bool(self.errors or self.general)

    def refuse(self, errors: dict[str, str], form=None) -> None:
        """Each refusal beside its invoice row, on the form's field, or else above the grid."""
        rows = {f"allocation-{invoice.id}" for invoice in self.invoices}
        for key, message in put_on_fields(form, errors).items():
            if key in rows:
                self.errors[key] = message
            else:
                self.general.append(message)

    def chosen(self) -> list[Allocation]:
        """The rows typed in, with their invoices in one query. An id that is not one of this
        customer's issued invoices (a forged form) reaches the domain, which refuses it."""
        invoices = {
            invoice.id: invoice
            for invoice in db.session.scalars(
                select(Invoice).where(Invoice.id.in_([i for i in self.amounts if i <= MAX_ROW_ID]))
            )
        }
        self.refuse(
            {
                f"allocation-{i}": "There is no such invoice."
                for i in self.amounts
                if i not in invoices
            }
        )
        return [Allocation(invoices[i], a) for i, a in self.amounts.items() if i in invoices]


class PaymentPagesView(CustomerPagesView):
    """Pages opened from the record's quick links (heading "Payments")."""

    def __init__(self):
        super().__init__(
            name="Customer payments", endpoint="customer_payments", url="/admin/customer-payments"
        )

    def money_tab(self, customer: Customer):
        return self.back_to_record(customer, "money")

    def payment_form(self, form_class: type[PaymentForm]) -> PaymentForm:
        form = form_class()
        form.set_methods(
            db.session.scalars(
                select(PaymentMethod).where(PaymentMethod.active).order_by(PaymentMethod.name)
            )
        )
        return form

    def record(self, customer: Customer, form: PaymentForm, allocations=()):
        """record_payment from the form, committed; a refusal rolls everything back."""
        with operation(quiet=True) as outcome:
            payment = record_payment(
                db.session,
                customer,
                paid_on=form.paid_on.data,
                method=db.session.get(PaymentMethod, form.payment_method.data),
                amount=form.amount.data,
                reference=form.reference.data,
                nominal_account=form.nominal_account.data,
                allocations=allocations,
            )
            made = sorted(payment.allocations, key=lambda a: a.invoice.due_on)
            summary = payment.amount, allocated_to(made), unallocated(payment)
        if not outcome.done:
            raise outcome.refusal  # each page shows it its own way
        return summary

    @expose("/<int:customer_id>/cash-allocation/", methods=("GET", "POST"))
    @changes_data
    def cash_allocation(self, customer_id: int):
        customer = live_customer(customer_id)
        form = self.payment_form(PaymentForm)
        posted = request.method == "POST"
        grid = Grid(customer, request.form if posted else None)
        if posted:
            form_ok = form.validate()
            allocations = grid.chosen()
            if form_ok and not grid.refused:
                try:
                    amount, allocated, left = self.record(customer, form, allocations)
                except DomainError as refused:
                    grid.refuse(refusals(refused), form)
                else:
                    flash(payment_recorded(amount, allocated, left), "success")
                    return self.money_tab(customer)
        return form_page(
            self,
            "admin/money/payment/cash_allocation.html",
            customer=customer,
            form=form,
            grid=grid,
        )

    @expose("/<int:customer_id>/account-credit/", methods=("GET", "POST"))
    @changes_data
    def account_credit(self, customer_id: int):
        customer = live_customer(customer_id)
        form = self.payment_form(AccountCreditForm)
        general: dict[str, str] = {}
        if form.validate_on_submit():
            try:
                amount, _, _ = self.record(customer, form)
            except DomainError as refused:
                general = put_on_fields(form, refused)
            else:
                flash(
                    f"Account credit of {money(amount)} added. Allocate it to invoices from "
                    "Quick links → Allocate account credit.",
                    "success",
                )
                return self.money_tab(customer)
        return form_page(
            self,
            "admin/money/payment/account_credit.html",
            customer=customer,
            form=form,
            general=list(general.values()),
        )

    @expose("/<int:customer_id>/allocate-credit/", methods=("GET", "POST"))
    @changes_data
    def allocate_credit(self, customer_id: int):
        customer = live_customer(customer_id)
        posted = request.method == "POST"
        grid = Grid(customer, request.form if posted else None)
        if posted:
            allocations = grid.chosen()
            if not grid.amounts and not grid.refused:
                grid.general.append("Enter an amount against at least one invoice.")
            if not grid.refused and self.use_credit(customer, allocations, grid):
                left = customer_balance(db.session, customer.id).account_credit
                flash(
                    f"Allocated {allocated_to(allocations)} from account credit. "
                    + (
                        f"{money(left)} account credit left." if left else "No account credit left."
                    ),
                    "success",
                )
                return self.money_tab(customer)
        return form_page(
            self,
            "admin/money/payment/allocate_credit.html",
            customer=customer,
            grid=grid,
            credit=customer_balance(db.session, customer.id).account_credit,
        )

    def use_credit(self, customer: Customer, allocations: list[Allocation], grid: Grid) -> bool:
        """Every row in one transaction, oldest due first. The first refusal stops it, is shown
        beside its row, and nothing is written."""
        order = {invoice.id: n for n, invoice in enumerate(grid.invoices)}
        with operation(quiet=True) as outcome:
            for allocation in sorted(allocations, key=lambda a: order.get(a.invoice.id, -1)):
                allocate_account_credit(db.session, customer, allocation.invoice, allocation.amount)
        if not outcome.done:  # the row being allocated when it was refused
            reason = " ".join(refusals(outcome.refusal).values())
            grid.refuse({f"allocation-{allocation.invoice.id}": reason})
        return outcome.done

    @expose("/allocations/<int:allocation_id>/remove/", methods=("POST",))
    @changes_data
    def unallocate(self, allocation_id: int):
        allocation = db.session.scalar(
            select(PaymentAllocation)
            .where(PaymentAllocation.id == allocation_id)
            .options(joinedload(PaymentAllocation.invoice), joinedload(PaymentAllocation.payment))
        )
        if allocation is None:
            abort(404)
        back = safe_next(
            request.form.get("next"), url_for("payment.details_view", id=allocation.payment_id)
        )
        amount, invoice = allocation.amount, str(allocation.invoice)
        with operation(refused_as="Not removed") as outcome:
            remove_allocation(db.session, allocation)
        if not outcome.done:
            return redirect(back)
        flash(
            f"Removed the {money(amount)} allocation to {invoice}: the money is back on the "
            "customer's account credit.",
            "success",
        )
        return redirect(back)


@register_action(heading="Payments", weight=10)
class AddCashAllocation(PageLink):
    title, endpoint = "Add cash allocation", "customer_payments.cash_allocation"


@register_action(heading="Payments", weight=20)
class AddAccountCredit(PageLink):
    title, endpoint = "Add account credit", "customer_payments.account_credit"


@register_action(heading="Payments", weight=30)
class AllocateAccountCredit(PageLink):
    title, endpoint = "Allocate account credit", "customer_payments.allocate_credit"

    def shown(self, customer):
        return has_account_credit(customer)
