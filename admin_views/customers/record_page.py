"""The customer record page (`/admin/customer/details/?id=`) and the changes made from it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.core.base import (
    CustomerPagesView,
    changes_data,
    customer_row,
    form_page,
    operation,
    requested_id,
    safe_next,
)
from admin_views.customers.merge_page import recent_merges_into
from admin_views.customers.record import (
    TABS,
    Pager,
    quick_links,
    tab_context,
    tab_counts,
    tabs_for,
)
from admin_views.customers.record_panel import arranged_blocks, panel_layout
from admin_views.files.downloads import send_attachment
from extensions import db
from forms.customers.record import (
    CommunicationForm,
    ConfirmDeleteForm,
    LogoForm,
    UploadForm,
    typed_correctly,
)
from forms.customers.record_actions import MergeBranchForm
from forms.works.asset_columns import PREFERENCE, AssetColumnsForm
from models import (
    Attachment,
    Branch,
    Communication,
    CommunicationKind,
    Contact,
    Customer,
    Work,
    WorkAddress,
)
from models.core.base import is_row_id
from models.customers.contacts import (
    delete_branch,
    delete_contact,
    merge_branches,
    set_logo,
    set_primary_contact,
)
from models.customers.status import do_not_work_with_again
from models.files.communications import add_communication, toggle_pin
from models.files.uploads import delete_attachment, store_upload

# What the message after adding says was added: a call is logged, not "Note added.".
ADDED = {
    CommunicationKind.call: "Call logged.",
    CommunicationKind.email: "Email logged.",
    CommunicationKind.sms: "SMS logged.",
    CommunicationKind.comment: "Comment added.",
}


def _delete_attachment(session, attachment) -> None:
    delete_attachment(session, attachment, current_app.config["UPLOAD_FOLDER"])


# What the typed-confirmation delete may remove from a record: model, operation, tab to return to.
DELETABLE = {
    "contact": (Contact, delete_contact, lambda row: "contacts"),
    "branch": (Branch, delete_branch, lambda row: "branches"),
    "attachment": (
        Attachment,
        _delete_attachment,
        lambda row: "pictures" if row.is_picture else "files",
    ),
}


def int_or_404(value) -> int:
    """A posted row id, or 404: not a number, or one no row could have (past the column's
    range, which PostgreSQL refuses with an error)."""
    if not is_row_id(value):
        abort(404)
    return int(value)


# The customer with what its header and side panel show, as one statement built once (with
# seven joined lookups, building it each time cost more than running it).
RECORD_CUSTOMER = (
    select(Customer)
    .where(Customer.id == bindparam("customer_id"))
    .options(
        *(
            joinedload(getattr(Customer, name))
            for name in (
                "customer_type",
                "salesperson",
                "representative",
                "advertising_source",
                "building_type",
                "price_book",
                "sla",
            )
        ),
        selectinload(Customer.phones),
    )
)


def where_note_is(note: Communication) -> str:
    """The page a note is added and pinned on: its job's, its property's, or the record's."""
    if note.work_id:
        return url_for("work.details_view", id=note.work_id) + "#notes"
    if note.work_address_id:
        return url_for("workaddress.details_view", id=note.work_address_id) + "#communications"
    return url_for("customer.details_view", id=note.customer_id) + "#communications"


class RecordPages(CustomerPagesView):
    """The record page, its tabs and the changes made from it, mounted on the customer view
    (its details page is the record)."""

    def load_customer(self, customer_id) -> Customer:
        """With what the header and side panel show. A merged customer is found too: its
        record page leads to the customer it was merged into."""
        customer = db.session.scalar(RECORD_CUSTOMER, {"customer_id": customer_id})
        if customer is None:
            abort(404)
        return customer

    @expose("/details/")
    def details_view(self):
        customer_id = requested_id()
        if customer_id is None:
            return redirect(url_for(".index_view"))
        customer = self.load_customer(customer_id)
        if customer.merged_into_id:  # a tombstone: its old address leads to the kept record
            flash(
                f"{customer.account_number} {customer.display_name} was merged into this customer.",
                "info",
            )
            return redirect(url_for(".details_view", id=customer.merged_into_id))
        return self.render_record(customer)

    def render_record(self, customer: Customer, status: int = 200, **forms):
        """The page with its first tab loaded; the others load when opened (record.js, via
        `tab_view`), so the page costs one tab's queries and markup, not ten."""
        tabs = tabs_for("customer", current_user)
        counts = tab_counts(customer, tabs)
        opened = tabs[0]
        pager, rows = opened.rows(customer, Pager.from_request(opened.key, counts[opened.key]))
        blocks = [
            (block, visible, block.load(customer))
            for block, visible in arranged_blocks(current_user)
        ]
        primary = db.session.scalar(
            select(Contact)
            .where(Contact.customer_id == customer.id, Contact.is_primary)
            .options(selectinload(Contact.phones))
        )
        return self.render(
            "admin/customers/record/customer.html",
            customer=customer,
            quick_links=quick_links(customer, current_user),
            warning_note=do_not_work_with_again(db.session, customer.id),
            recent_merges=recent_merges_into(customer),
            primary_contact=primary,
            tabs=[(tab, counts[tab.key]) for tab in tabs],
            tab=opened,
            pager=pager,
            rows=rows,
            blocks=blocks,
            note_form=forms.get("note_form") or CommunicationForm(formdata=None),
            upload_form=forms.get("upload_form") or UploadForm(formdata=None),
            confirm_form=ConfirmDeleteForm(formdata=None),
            logo_form=LogoForm(formdata=None),
            open_modal=forms.get("open_modal"),
            **tab_context(customer),
        ), status

    @expose("/<int:customer_id>/tabs/<key>/")
    def tab_view(self, customer_id: int, key: str):
        """One tab's content, for record.js to put in the page when the tab is opened. It
        reads the page's own query string (pages, page sizes, filters), as the page would."""
        tab = next((tab for tab in TABS["customer"] if tab.key == key), None)
        if tab is None:
            abort(404)
        if not current_user.may(tab.allowed):
            abort(403)
        customer = self.load_customer(customer_id)
        count = db.session.scalar(tab.count_query(customer))
        pager, rows = tab.rows(customer, Pager.from_request(tab.key, count))
        return self.render(
            "admin/customers/record/tab.html",
            customer=customer,
            tab=tab,
            pager=pager,
            rows=rows,
            **tab_context(customer),
        )

    @expose("/<int:customer_id>/communications/", methods=("POST",))
    @changes_data
    def add_note(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = CommunicationForm()
        if not form.validate():
            return self.render_record(customer, 400, note_form=form, open_modal="note")
        address = work = None
        if form.work_address_id.data:
            address = customer_row(WorkAddress, int_or_404(form.work_address_id.data), customer)
        if form.work_id.data:
            work = customer_row(Work, int_or_404(form.work_id.data), customer)
        note = add_communication(
            db.session,
            customer,
            current_user._get_current_object(),
            work_address=address,
            work=work,
            kind=form.kind.data,
            subject=form.subject.data or None,
            body=form.body.data,
            is_important=form.is_important.data,
            do_not_work_with_again=form.do_not_work_with_again.data,
            scheduled_for=form.scheduled_for.data,
        )
        db.session.commit()
        flash(ADDED.get(form.kind.data, "Note added."), "success")
        return redirect(where_note_is(note))

    @expose("/<int:customer_id>/communications/<int:note_id>/pin/", methods=("POST",))
    @changes_data
    def pin_note(self, customer_id: int, note_id: int):
        customer = self.load_customer(customer_id)
        note = customer_row(Communication, note_id, customer)
        pinned = toggle_pin(note)
        db.session.commit()
        flash("Pinned as important." if pinned else "Unpinned.", "success")
        return redirect(where_note_is(note))

    @expose("/<int:customer_id>/contacts/<int:contact_id>/primary/", methods=("POST",))
    @changes_data
    def make_primary(self, customer_id: int, contact_id: int):
        customer = self.load_customer(customer_id)
        contact = customer_row(Contact, contact_id, customer)
        with operation(refused_as="Not changed") as outcome:
            set_primary_contact(db.session, contact)
        if outcome.done:
            flash(f"{contact.name} is now the primary contact.", "success")
        return redirect(self.record_url(customer, "contacts"))

    @expose("/<int:customer_id>/<kind>/<int:child_id>/delete/", methods=("POST",))
    @changes_data
    def delete_child(self, customer_id: int, kind: str, child_id: int):
        if kind not in DELETABLE:
            abort(404)
        customer = self.load_customer(customer_id)
        model, operation, tab_of = DELETABLE[kind]
        row = customer_row(model, child_id, customer)
        tab = tab_of(row)
        if not typed_correctly(ConfirmDeleteForm().confirm):
            flash('Not deleted: type "delete" to confirm.', "error")
            return redirect(self.record_url(customer, tab))
        operation(db.session, row)
        db.session.commit()
        flash(f"Deleted {row}.", "success")
        return redirect(self.record_url(customer, tab))

    @expose("/<int:customer_id>/branches/<int:branch_id>/merge/", methods=("GET", "POST"))
    @changes_data
    def merge_branch_action(self, customer_id: int, branch_id: int):
        """A branch's own Merge button (not the quick links: it is about one branch)."""
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
                with operation() as outcome:
                    merge_branches(db.session, keep, absorb)
                if outcome.done:
                    flash(f"{absorb.name} was merged into {keep.name}.", "success")
                    return redirect(self.record_url(customer, "branches"))
        return form_page(
            self,
            "admin/customers/record/action.html",
            customer=customer,
            form=form,
            title=f"Merge a branch into {keep.name}",
            intro=f"The chosen branch's work addresses, contacts and phone numbers move to "
            f"{keep.name}, and the chosen branch is removed.",
            submit="Merge branches",
            style="danger",
        )

    @expose("/<int:customer_id>/files/", methods=("POST",))
    @changes_data
    def upload(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = UploadForm()
        if form.validate():
            with operation(form, others=form.file) as outcome:
                attachment = store_upload(
                    db.session,
                    customer,
                    form.file.data.stream,
                    form.file.data.filename or "",
                    form.description.data,
                    current_app.config["UPLOAD_FOLDER"],
                    uploaded_by=current_user._get_current_object(),
                    max_bytes=current_app.config["MAX_CONTENT_LENGTH"],
                )
            if outcome.done:
                flash(f"Uploaded {attachment.original_name}.", "success")
                return redirect(
                    self.record_url(customer, "pictures" if attachment.is_picture else "files")
                )
        return self.render_record(customer, 400, upload_form=form, open_modal="upload")

    @expose("/<int:customer_id>/files/<int:attachment_id>/")
    def download(self, customer_id: int, attachment_id: int):
        customer = self.load_customer(customer_id)
        attachment = customer_row(Attachment, attachment_id, customer)
        return send_attachment(attachment, request.args.get("thumbnail") == "1")

    @expose("/<int:customer_id>/logo/", methods=("POST",))
    @changes_data
    def upload_logo(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = LogoForm()
        if not form.validate():
            flash("Not changed: " + " ".join(form.logo.errors), "error")
            return redirect(self.record_url(customer))
        # A refused logo's stored files go with the rolled-back transaction.
        with operation(refused_as="Not changed") as outcome:
            set_logo(
                db.session,
                customer,
                form.logo.data.stream,
                form.logo.data.filename or "",
                current_app.config["UPLOAD_FOLDER"],
                uploaded_by=current_user._get_current_object(),
                max_bytes=current_app.config["MAX_CONTENT_LENGTH"],
            )
        if outcome.done:
            flash("Logo saved.", "success")
        return redirect(self.record_url(customer))

    @expose("/<int:customer_id>/logo/")
    def logo(self, customer_id: int):
        customer = self.load_customer(customer_id)
        attachment = db.session.scalar(
            select(Attachment).where(
                Attachment.customer_id == customer.id, Attachment.stored_name == customer.logo
            )
        )
        if attachment is None:
            abort(404)
        return send_attachment(attachment, thumbnail=True)

    @expose("/panel/", methods=("POST",))
    def save_panel(self):
        """Each user's side-panel order and hidden blocks; applies to every record."""
        user = current_user._get_current_object()
        layout = panel_layout(request.form.getlist("order"), request.form.getlist("hidden"))
        user.preferences = {**(user.preferences or {}), "panel": layout}
        db.session.commit()
        flash("Side panel saved: it applies to every customer record.", "success")
        return redirect(safe_next(request.form.get("next"), url_for(".index_view")))

    @expose("/asset-columns/", methods=("POST",))
    def save_asset_columns(self):
        """Each user's columns on the Assets tab, of every customer and work address."""
        form = AssetColumnsForm()
        if form.validate_on_submit():
            user = current_user._get_current_object()
            with operation(refused_as="Columns not saved") as outcome:
                user.preferences = {**(user.preferences or {}), PREFERENCE: form.columns.data}
            if outcome.done:
                flash("Asset columns saved: they apply to every Assets tab.", "success")
        else:
            flash("Columns not saved: " + " ".join(form.columns.errors), "error")
        return redirect(safe_next(form.next.data, url_for(".index_view")))
