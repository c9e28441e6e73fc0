"""Service pages (seed 004 "Service reminders", "Contracts", "Service plan", "Associate SLA"):
the reminders due across customers with the customer-decision batch process, and the
record's contract, service plan and SLA forms.

Each POST runs one `models` operation in one transaction: it commits whole, or rolls back and
shows the refusal beside the field it is about.
"""

from __future__ import annotations

from datetime import date
from itertools import chain

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from admin_views.core.base import (
    AccessMixin,
    CustomerPagesView,
    changes_data,
    customer_row,
    form_page,
    is_row_id,
    live_customer,
    operation,
    safe_next,
)
from admin_views.core.paging import Pager
from admin_views.customers.record import PageLink, register_action
from extensions import db
from forms.core.base import put_on_fields, refusals
from forms.customers.record import ConfirmDeleteForm, typed_correctly
from forms.service.pages import ContractForm, ReminderDecisionForm, ServicePlanForm, SlaForm
from models import (
    AccessMethod,
    Contract,
    Customer,
    CustomerServicePlan,
    DomainError,
    ReminderDecision,
    ServicePlan,
    ServiceReminder,
    Sla,
    ValidationFailed,
    WorkAddress,
)
from models.service.contracts import save_contract
from models.service.plans import assign_service_plan, set_sla, sla_targets
from models.service.reminders import due_reminders, period_end, process_reminders

ADDRESSES_SHOWN = 50  # a plan's form lists this many of the customer's properties at most
FOUND_BY = (WorkAddress.address_line_1, WorkAddress.postcode, WorkAddress.occupier_surname)
# The due list's periods (models.service.reminders.period_end); "all" suits one customer's list.
PERIODS = {
    "overdue": "Overdue",
    "month": "Due this month",
    "30": "Next 30 days",
    "60": "Next 60 days",
    "90": "Next 90 days",
    "all": "All open",
}


def refuse_on_form(form, error: DomainError) -> None:
    """Put each refusal beside its field, and say it all at the top."""
    put_on_fields(form, error)
    flash("Nothing changed: " + " ".join(refusals(error).values()), "error")


def lookup_choices(rows, first: str) -> list[tuple[int, str]]:
    """Options of a select: the offered rows, and the customer's own if it was retired."""
    return [(0, first)] + [
        (row.id, row.name if row.active else f"{row.name} (no longer offered)") for row in rows
    ]


def done_message(decision: ReminderDecision, count: int, jobs, postpone_to) -> str:
    reminders = f"{count} reminder{'s' if count != 1 else ''}"
    if decision == ReminderDecision.authorised:
        return f"{reminders} authorised. Jobs booked: {', '.join(j.number for j in jobs)}."
    if decision == ReminderDecision.postponed:
        return f"{reminders} postponed until {postpone_to:%d %b %Y}."
    return {
        ReminderDecision.cancelled_once: f"{reminders} cancelled just this time: due again "
        "one service period later.",
        ReminderDecision.cancelled_forever: f"{reminders} cancelled forever. They are kept, "
        "marked cancelled, for the record's history.",
        ReminderDecision.unknown: f"{reminders}: decision recorded as unknown; still due.",
    }[decision]


class RemindersDueView(AccessMixin, BaseView):
    """Works → Reminders due: every customer's open reminders in a period, decided in batches.
    Dormant customers and properties are left out (models.service.reminders.due_reminders)."""

    def __init__(self):
        super().__init__(
            name="Reminders due",
            category="Works",
            endpoint="reminders_due",
            url="/admin/reminders-due",
        )

    def filters(self) -> dict:
        typed = request.values.get("customer_id")
        customer_id = int(typed) if is_row_id(typed) else None
        period = request.values.get("period") or ("all" if customer_id else "month")
        if period not in PERIODS:
            period = "month"
        return {"period": period, "customer_id": customer_id}

    def query(self, filters: dict) -> Select:
        query = due_reminders(period_end(filters["period"], date.today()))
        if filters["customer_id"]:
            query = query.where(ServiceReminder.customer_id == filters["customer_id"])
        return query

    def render_list(self, form: ReminderDecisionForm, ticked=(), status: int = 200):
        filters = self.filters()
        query = self.query(filters)
        pager = Pager.of(query, ".index", filters)  # after a batch too, the pages are the list's
        reminders = db.session.scalars(
            pager.apply(query).options(
                contains_eager(ServiceReminder.customer),
                contains_eager(ServiceReminder.work_address),
                selectinload(ServiceReminder.asset),
            )
        ).all()
        customer = (
            db.session.get(Customer, filters["customer_id"]) if filters["customer_id"] else None
        )
        return self.render(
            "admin/service/reminders_due.html",
            reminders=reminders,
            pager=pager,
            filters=filters,
            periods=PERIODS,
            customer=customer,
            form=form,
            ticked=set(ticked),
            today=date.today(),
            can_write=current_user.can_write,
        ), status

    @expose("/")
    def index(self):
        return self.render_list(ReminderDecisionForm(formdata=None))

    def decide(self, form: ReminderDecisionForm, reminder_ids: list[int]):
        """process_reminders for the chosen reminders, committed; True when it was."""
        reminders = db.session.scalars(
            select(ServiceReminder)
            .where(ServiceReminder.id.in_(reminder_ids))
            .options(
                selectinload(ServiceReminder.customer), selectinload(ServiceReminder.work_address)
            )
            .order_by(ServiceReminder.due_on, ServiceReminder.id)
        ).all()
        decision = ReminderDecision(form.decision.data)
        with operation(form, quiet=True) as outcome:
            if len(reminders) != len(set(reminder_ids)):
                raise DomainError("Some of the ticked reminders no longer exist: reload the list.")
            jobs = process_reminders(
                db.session,
                list(reminders),
                decision,
                access_method=AccessMethod(form.access_method.data)
                if form.access_method.data
                else None,
                postpone_to=form.postpone_to.data,
            )
            done = done_message(decision, len(reminders), jobs, form.postpone_to.data)
        if not outcome.done:
            refuse_on_form(form, outcome.refusal)
            return False
        flash(done, "success")
        return True

    def submit(self, form: ReminderDecisionForm, reminder_ids: list[int]) -> bool:
        if not form.validate():
            flash("Nothing changed: " + " ".join(chain(*form.errors.values())), "error")
            return False
        return self.decide(form, reminder_ids)

    @expose("/decide/", methods=("POST",))
    @changes_data
    def batch(self):
        form = ReminderDecisionForm()
        ticked = [int(i) for i in request.form.getlist("reminder") if is_row_id(i)]
        if self.submit(form, ticked):
            args = {k: v for k, v in self.filters().items() if v}
            return redirect(url_for(".index", **args))
        return self.render_list(form, ticked, 400)

    @expose("/<int:reminder_id>/", methods=("GET", "POST"))
    @changes_data
    def configure(self, reminder_id: int):
        """One reminder's decision (seed: "+ > Configure")."""
        reminder = db.session.get(ServiceReminder, reminder_id) or abort(404)
        form = ReminderDecisionForm()
        if request.method == "POST" and self.submit(form, [reminder.id]):
            return redirect(safe_next(request.form.get("next"), url_for(".index")))
        return form_page(
            self,
            "admin/service/configure_reminder.html",
            reminder=reminder,
            form=form,
            back=safe_next(request.values.get("next"), url_for(".index")),
        )


class CustomerServiceView(CustomerPagesView):
    """The record's contract, service plan and SLA pages, opened from its quick links and
    side panel; not a menu entry. Every row is reached through its customer: others are 404."""

    def __init__(self):
        super().__init__(
            name="Customer service", endpoint="customer_service", url="/admin/customer-service"
        )

    def record(self, customer: Customer, panel: str):
        return self.back_to_record(customer, f"panel-{panel}")

    def save(self, form, change, done: str) -> bool:
        """`change()` as one transaction: said so when done, why not beside the fields."""
        with operation(form, quiet=True) as outcome:
            change()
        if outcome.done:
            flash(done, "success")
        else:
            refuse_on_form(form, outcome.refusal)
        return outcome.done

    def page(self, template: str, customer: Customer, form, title: str, **context):
        return form_page(
            self, f"admin/service/{template}", customer=customer, form=form, title=title, **context
        )

    # Contracts

    @expose("/<int:customer_id>/contracts/new/", methods=("GET", "POST"))
    @changes_data
    def add_contract(self, customer_id: int):
        return self.contract_page(live_customer(customer_id), Contract())

    @expose("/<int:customer_id>/contracts/<int:contract_id>/", methods=("GET", "POST"))
    @changes_data
    def edit_contract(self, customer_id: int, contract_id: int):
        customer = live_customer(customer_id)
        return self.contract_page(customer, customer_row(Contract, contract_id, customer))

    def contract_page(self, customer: Customer, contract: Contract):
        form = ContractForm(obj=contract if contract.id else None)
        if form.validate_on_submit():
            for field in form:
                if field.name != "csrf_token":
                    field.populate_obj(contract, field.name)
            if self.save(
                form,
                lambda: save_contract(db.session, customer, contract),
                f"Contract {contract.reference} saved.",
            ):
                return self.record(customer, "contracts")
        title = f"Edit contract {contract.reference}" if contract.id else "Add contract"
        return self.page("contract.html", customer, form, title)

    # Service plans

    @expose("/<int:customer_id>/service-plans/new/", methods=("GET", "POST"))
    @changes_data
    def add_service_plan(self, customer_id: int):
        return self.service_plan_page(live_customer(customer_id), CustomerServicePlan())

    @expose("/<int:customer_id>/service-plans/<int:assignment_id>/", methods=("GET", "POST"))
    @changes_data
    def edit_service_plan(self, customer_id: int, assignment_id: int):
        customer = live_customer(customer_id)
        assignment = customer_row(CustomerServicePlan, assignment_id, customer)
        return self.service_plan_page(customer, assignment)

    def service_plan_page(self, customer: Customer, assignment: CustomerServicePlan):
        form = ServicePlanForm(
            formdata=None if request.method == "GET" else request.form,
            service_plan=assignment.service_plan_id,
            expires_on=assignment.expires_on,
            work_addresses=[a.id for a in assignment.work_addresses] if assignment.id else [],
        )
        plans = db.session.scalars(
            select(ServicePlan)
            .where(or_(ServicePlan.active, ServicePlan.id == assignment.service_plan_id))
            .order_by(ServicePlan.name)
        ).all()
        form.service_plan.choices = lookup_choices(plans, "Choose a plan…")
        searching = "search" in request.form
        if not searching and form.validate_on_submit():
            ticked = form.work_addresses.data or []
            addresses = db.session.scalars(
                select(WorkAddress).where(WorkAddress.id.in_(ticked))
            ).all()
            if self.save(
                form,
                lambda: self.assign(customer, assignment, form, addresses, ticked),
                f"Service plan saved, covering {len(addresses)} "
                + ("property." if len(addresses) == 1 else "properties."),
            ):
                return self.record(customer, "service_plan")
        addresses, more = self.addresses(customer, form)
        title = "Edit service plan" if assignment.id else "Add service plan"
        return self.page("service_plan.html", customer, form, title, addresses=addresses, more=more)

    def assign(self, customer, assignment, form, addresses, ticked) -> None:
        if len(addresses) != len(set(ticked)):
            raise ValidationFailed({"work_addresses": "A ticked property no longer exists."})
        plan = db.session.get(ServicePlan, form.service_plan.data)
        assign_service_plan(db.session, customer, assignment, plan, form.expires_on.data, addresses)

    def addresses(self, customer: Customer, form) -> tuple[list[WorkAddress], bool]:
        """This customer's properties to tick: the ticked ones, then up to ADDRESSES_SHOWN
        matching the search. Never another customer's, never the whole table."""
        own = select(WorkAddress).where(WorkAddress.customer_id == customer.id)
        ticked = [i for i in (form.work_addresses.data or []) if isinstance(i, int)]
        term = (form.find.data or "").strip()
        query = own.order_by(WorkAddress.address_line_1, WorkAddress.id)
        if term:
            query = query.where(or_(*(c.istartswith(term, autoescape=True) for c in FOUND_BY)))
        found = db.session.scalars(query.limit(ADDRESSES_SHOWN + 1)).all()
        chosen = db.session.scalars(own.where(WorkAddress.id.in_(ticked))).all()
        shown = {a.id: a for a in [*chosen, *found[:ADDRESSES_SHOWN]]}
        return list(shown.values()), len(found) > ADDRESSES_SHOWN

    # SLA

    @expose("/<int:customer_id>/sla/", methods=("GET", "POST"))
    @changes_data
    def sla(self, customer_id: int):
        customer = live_customer(customer_id)
        form = SlaForm(formdata=None if request.method == "GET" else request.form)
        if request.method == "GET":
            form.sla.data = customer.sla_id or 0
        slas = db.session.scalars(
            select(Sla).where(or_(Sla.active, Sla.id == customer.sla_id)).order_by(Sla.name)
        ).all()
        form.sla.choices = lookup_choices(slas, "No SLA")
        if form.validate_on_submit():
            sla = db.session.get(Sla, form.sla.data) if form.sla.data else None
            if form.sla.data and sla is None:
                form.sla.errors = ["Choose an SLA from the list."]
            elif self.save(
                form,
                lambda: set_sla(db.session, customer, sla),
                f"SLA set to {sla}." if sla else "SLA removed.",
            ):
                return self.record(customer, "sla")
        slas = [(s, sla_targets(s)) for s in slas]
        return self.page("sla.html", customer, form, "Add/edit SLA", slas=slas)

    # Deleting from the record (the record's typed-confirmation modal posts here)

    @expose("/<int:customer_id>/<kind>/<int:row_id>/delete/", methods=("POST",))
    @changes_data
    def delete(self, customer_id: int, kind: str, row_id: int):
        models = {"contracts": Contract, "service-plans": CustomerServicePlan}
        if kind not in models:
            abort(404)
        customer = live_customer(customer_id)
        row = customer_row(models[kind], row_id, customer)
        panel = "contracts" if kind == "contracts" else "service_plan"
        if not typed_correctly(ConfirmDeleteForm().confirm):
            flash('Not deleted: type "delete" to confirm.', "error")
            return self.record(customer, panel)
        label = str(row)
        db.session.delete(row)
        db.session.commit()
        flash(f"Deleted {label}.", "success")
        return self.record(customer, panel)


@register_action(heading="Service reminders", weight=10)
class ServiceReminders(PageLink):
    title, endpoint = "Service reminders", "reminders_due.index"


@register_action(heading="Contracts", weight=10)
class AddContract(PageLink):
    title, endpoint = "Add contract", "customer_service.add_contract"


@register_action(heading="Contracts", weight=20)
class AddServicePlan(PageLink):
    title, endpoint = "Add service plan", "customer_service.add_service_plan"


@register_action(heading="Associate SLA", weight=10)
class AssociateSla(PageLink):
    title, endpoint = "Add/edit SLA", "customer_service.sla"
