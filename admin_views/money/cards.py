"""Stored cards (seed 004 "Stored cards"): a customer's cards, added and deleted from the
record, and a read-only list of every card under the Money menu.

Only what identifies a card is kept (models/money/cards.py says why): the pages have no card number
or security code field, and `check_card` refuses a full number typed into any field.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, make_response, redirect, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.core.base import CustomerPagesView, ReadOnlyModelView, changes_data, live_customer
from admin_views.customers.record import PageLink, register_action
from extensions import db
from forms.customers.record import ConfirmDeleteForm, typed_correctly
from forms.money.cards import StoredCardForm
from models import Customer, StoredCard, ValidationFailed
from models.money.cards import check_card


def expired(card: StoredCard, today: date) -> bool:
    return (card.expiry_year, card.expiry_month) < (today.year, today.month)


class CustomerCardsView(CustomerPagesView):
    """The record's "Stored cards" page (quick links, heading "Payments")."""

    def __init__(self):
        super().__init__(name="Stored cards", endpoint="stored_cards", url="/admin/customer-cards")

    def page(self, customer: Customer, form: StoredCardForm | None = None, status: int = 200):
        cards = db.session.scalars(
            select(StoredCard)
            .where(StoredCard.customer_id == customer.id)
            .order_by(StoredCard.expiry_year.desc(), StoredCard.expiry_month.desc())
        ).all()
        response = make_response(
            self.render(
                "admin/money/cards/cards.html",
                customer=customer,
                cards=cards,
                form=form or StoredCardForm(formdata=None),
                confirm_form=ConfirmDeleteForm(formdata=None),
                today=date.today(),
                expired=expired,
                can_write=current_user.can_write,
            ),
            status,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def back(self, customer: Customer):
        return redirect(url_for(".cards", customer_id=customer.id))

    @expose("/<int:customer_id>/")
    def cards(self, customer_id: int):
        return self.page(live_customer(customer_id))

    @expose("/<int:customer_id>/add/", methods=("POST",))
    @changes_data
    def add_card(self, customer_id: int):
        customer = live_customer(customer_id)
        form = StoredCardForm()
        form_ok = form.validate()
        card = form.card()
        try:
            check_card(card)  # even when the form failed: a card number anywhere is said first
        except ValidationFailed as refused:
            form.refuse(refused.errors)
            return self.page(customer, form, 400)
        if not form_ok:
            return self.page(customer, form, 400)
        card.customer = customer
        db.session.add(card)
        db.session.commit()
        flash(f"Added the {card.brand.label} card ending {card.last_four}.", "success")
        return self.back(customer)

    @expose("/<int:customer_id>/<int:card_id>/delete/", methods=("POST",))
    @changes_data
    def delete_card(self, customer_id: int, card_id: int):
        customer = live_customer(customer_id)
        card = db.session.scalar(
            select(StoredCard).where(
                StoredCard.id == card_id, StoredCard.customer_id == customer.id
            )
        )
        if card is None:
            abort(404)
        if not typed_correctly(ConfirmDeleteForm().confirm):
            flash('Not deleted: type "delete" to confirm.', "error")
            return self.back(customer)
        name = f"{card.brand.label} card ending {card.last_four}"
        db.session.delete(card)
        db.session.commit()
        flash(f"Deleted the {name}.", "success")
        return self.back(customer)


def masked(view, context, model, name) -> str:
    return f"•••• {model.last_four}"


def expiry(view, context, model, name) -> str:
    return f"{model.expiry_month:02d}/{model.expiry_year}"


class StoredCardView(ReadOnlyModelView):
    """Every stored card, read-only: the safe fields only (there are no others to show)."""

    noun = "stored card"
    column_list = (
        "customer",
        "brand",
        "last_four",
        "expiry_year",
        "cardholder_name",
    )
    column_details_list = (*column_list, "billing_address", "created_at")
    column_sortable_list = ("brand", "expiry_year", "cardholder_name")
    column_searchable_list = ()
    column_labels = {
        "last_four": "Card",
        "expiry_year": "Expiry",
        "cardholder_name": "Name on card",
    }
    column_formatters = {"last_four": masked, "expiry_year": expiry}
    column_formatters_detail = column_formatters
    column_filters = ("brand", "expiry_year")
    column_default_sort = ("id", True)


@register_action(heading="Payments", weight=40)
class StoredCards(PageLink):
    title, endpoint = "Stored cards", "stored_cards.cards"
