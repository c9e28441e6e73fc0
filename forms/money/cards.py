"""The stored-card form: what identifies a card, never the card itself.

There is no card number and no security code field, by design (see models/money/cards.py). A posted
field of another name (card_number, cvc …) is not part of the form and so is never read.
"""

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from forms.core.base import PanelForm, put_on_fields
from models import StoredCard
from models.core.enums import CardBrand
from models.money.cards import FULL_NUMBER_REFUSED

# Browsers must not offer to fill in a saved card number here.
NO_AUTOFILL = {"autocomplete": "off"}


class StoredCardForm(PanelForm):
    cardholder_name = StringField(
        "Name on card", validators=[Length(max=120)], render_kw=NO_AUTOFILL
    )
    brand = SelectField(
        "Brand",
        choices=[(brand.value, brand.label) for brand in CardBrand],
        default=CardBrand.visa.value,
    )
    last_four = StringField(
        "Last four digits",
        render_kw={**NO_AUTOFILL, "inputmode": "numeric", "placeholder": "4242", "size": 4},
    )
    expiry_month = IntegerField(
        "Expiry month", validators=[Optional()], render_kw={**NO_AUTOFILL, "placeholder": "MM"}
    )
    expiry_year = IntegerField(
        "Expiry year", validators=[Optional()], render_kw={**NO_AUTOFILL, "placeholder": "YYYY"}
    )
    processor_reference = StringField(
        "Payment processor's reference",
        validators=[Length(max=120)],
        render_kw={**NO_AUTOFILL, "placeholder": "e.g. pm_1PqR… (from the processor)"},
    )
    billing_address = TextAreaField(
        "Billing address", validators=[Length(max=500)], render_kw={"rows": 3}
    )

    def card(self) -> StoredCard:
        """An unsaved card from what was typed (not yet anyone's: nothing reaches the session)."""
        return StoredCard(
            cardholder_name=(self.cardholder_name.data or "").strip(),
            brand=CardBrand.__members__.get(self.brand.data, CardBrand.other),
            last_four=(self.last_four.data or "").strip(),
            expiry_month=self.expiry_month.data,
            expiry_year=self.expiry_year.data,
            processor_reference=(self.processor_reference.data or "").strip() or None,
            billing_address=(self.billing_address.data or "").strip() or None,
        )

    def refuse(self, errors: dict[str, str]) -> None:
        """Show check_card's refusals on the fields the form's own checks found nothing
        wrong with. A field holding a card number is emptied, so the number is not sent back
        to the browser in the page, and says only that."""
        for name, message in errors.items():
            if message == FULL_NUMBER_REFUSED:
                self[name].data, self[name].raw_data, self[name].errors = "", [], []
        put_on_fields(self, {name: why for name, why in errors.items() if not self[name].errors})
