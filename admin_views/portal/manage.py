"""The customer record's "Manage portal access" page: create, change and revoke portal links.

A new link's address is rendered once, in the response to the form that created it: it is not
stored, not flashed (flashes travel in the session cookie) and the response is not cached.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, make_response, redirect, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from admin_views.core.base import CustomerPagesView, changes_data, operation
from extensions import db
from forms.portal.links import PortalLinkForm, PortalPermissionsForm
from models import Customer, DomainError, PortalAccess
from models.core.base import utcnow
from models.portal.links import (
    PERMISSIONS,
    create_portal_link,
    link_state,
    permissions_of,
    revoke,
    set_permissions,
)


def permissions_form(link: PortalAccess, formdata=None) -> PortalPermissionsForm:
    prefix = f"link-{link.id}"
    if formdata is None:
        return PortalPermissionsForm(formdata=None, prefix=prefix, **permissions_of(link))
    return PortalPermissionsForm(prefix=prefix)


class PortalManagePages(CustomerPagesView):
    """The portal-access page, mounted on the customer view."""

    def portal_links(self, customer: Customer) -> list[PortalAccess]:
        return list(
            db.session.scalars(
                select(PortalAccess)
                .where(PortalAccess.customer_id == customer.id)
                .options(joinedload(PortalAccess.created_by))
                .order_by(PortalAccess.created_at.desc(), PortalAccess.id.desc())
            )
        )

    def portal_link(self, customer: Customer, link_id: int) -> PortalAccess:
        """One of this customer's links, or 404: another customer's link id is not reachable."""
        link = db.session.scalar(
            select(PortalAccess).where(
                PortalAccess.id == link_id, PortalAccess.customer_id == customer.id
            )
        )
        if link is None:
            abort(404)
        return link

    def manage_url(self, customer: Customer) -> str:
        return url_for(".manage_portal", customer_id=customer.id)

    def render_portal_access(self, customer: Customer, status: int = 200, **context):
        links = self.portal_links(customer)
        now = utcnow()
        edit_forms = context.pop("edit_forms", {})
        rows = [
            (
                link,
                link_state(link, now),
                [label for name, label in PERMISSIONS.items() if permissions_of(link)[name]],
                edit_forms.get(link.id) or permissions_form(link),
            )
            for link in links
        ]
        response = make_response(
            self.render(
                "admin/customers/record/portal_manage.html",
                customer=customer,
                rows=rows,
                form=context.pop("form", None)
                or PortalLinkForm(formdata=None, statement=True, works=True),
                can_write=current_user.can_write,
                **context,
            ),
            status,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<int:customer_id>/portal/")
    def manage_portal(self, customer_id: int):
        return self.render_portal_access(self.load_customer(customer_id))

    @expose("/<int:customer_id>/portal/new/", methods=("POST",))
    @changes_data
    def portal_create(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = PortalLinkForm()
        if not form.validate():
            return self.render_portal_access(customer, 400, form=form)
        with operation(quiet=True) as outcome:
            link, token = create_portal_link(
                db.session,
                customer,
                current_user._get_current_object(),
                form.permissions(),
                utcnow() + timedelta(days=form.expires_in_days.data),
            )
        if not outcome.done:
            form.form_errors.append(str(outcome.refusal))
            return self.render_portal_access(customer, 400, form=form)
        return self.render_portal_access(
            customer,
            new_link=link,
            new_url=url_for("portal.open_link", token=token, _external=True),
        )

    @expose("/<int:customer_id>/portal/<int:link_id>/permissions/", methods=("POST",))
    @changes_data
    def portal_permissions(self, customer_id: int, link_id: int):
        customer = self.load_customer(customer_id)
        link = self.portal_link(customer, link_id)
        form = permissions_form(link, formdata=True)
        with operation(quiet=True) as outcome:
            if not form.validate():
                raise DomainError("The form was not complete: reload the page and try again.")
            set_permissions(link, **form.permissions())
        if not outcome.done:
            form.form_errors.append(str(outcome.refusal))
            return self.render_portal_access(customer, 400, edit_forms={link.id: form})
        flash(
            f"{link}: permissions saved. An open portal visit sees the change at once.", "success"
        )
        return redirect(self.manage_url(customer))

    @expose("/<int:customer_id>/portal/<int:link_id>/revoke/", methods=("POST",))
    @changes_data
    def portal_revoke(self, customer_id: int, link_id: int):
        customer = self.load_customer(customer_id)
        link = self.portal_link(customer, link_id)
        if revoke(link):
            db.session.commit()
            flash(f"{link} revoked: it no longer opens the portal.", "success")
        else:
            flash(f"{link} was already revoked.", "info")
        return redirect(self.manage_url(customer))
