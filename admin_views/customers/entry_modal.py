"""Entry forms that open in a modal over the page they are used from (a contact on the
Contacts tab, a landlord while adding a work address) and, without JavaScript or opened in a
tab of its own, as a page: the same fragment either way (static/entry_modal.js)."""

from __future__ import annotations

from flask import jsonify, redirect, request

from admin_views.core.base import form_page


def in_modal() -> bool:
    """Asked for by the modal's script, which shows the answer in place."""
    return request.headers.get("X-Entry-Modal") == "1"


def modal_form_page(view, fragment: str, title: str, **context):
    """The form: just the fragment for the modal, inside a page otherwise; 400 when a refused
    post shows it again."""
    if in_modal():
        return form_page(view, fragment, title=title, **context)
    return form_page(
        view, "admin/customers/modal_page.html", fragment=fragment, title=title, **context
    )


def modal_done(next_url: str, chosen: dict | None = None):
    """Saved: the modal's script hands `chosen` to the page that opened it (a new landlord
    for the work address being typed), or else goes to `next_url`; a page of its own is
    redirected there."""
    if in_modal():
        return jsonify(chosen if chosen is not None else {"redirect": next_url})
    return redirect(next_url)
