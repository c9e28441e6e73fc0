"""Forms of the payment pages: cash allocation, account credit, allocating account credit.

The forms only read what was typed (a date, a method, an amount); whether
an amount may be paid or allocated is for `models.money.payments` to say.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from forms.core.base import PanelForm
from models.core.formats import currency_symbol

# Digits with an optional sign and decimals, once the currency symbol, spaces and thousands
# commas are gone.
AMOUNT = re.compile(r"-?\d+(\.\d+)?")
MOST_DIGITS = 10  # Numeric(12, 2): ten digits before the point
NOT_AN_AMOUNT = "Enter an amount, such as 120.50."
ALLOCATION_FIELD = re.compile(r"allocation-(\d+)")


def parse_amount(text: str | None) -> Decimal | None:
    """ "£1,250.50" -> Decimal("1250.50"); blank -> None; anything else is a ValueError."""
    cleaned = re.sub(r"[,\s]", "", (text or "").replace(currency_symbol(), ""))
    if not cleaned:
        return None
    if not AMOUNT.fullmatch(cleaned):
        raise ValueError(NOT_AN_AMOUNT)
    if len(cleaned.lstrip("-").split(".")[0].lstrip("0")) > MOST_DIGITS:
        raise ValueError("That amount is too large.")
    return Decimal(cleaned)


class AmountField(StringField):
    """An amount as typed; shown back as typed when it could not be read."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = None
            self.data = parse_amount(valuelist[0])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"


def _method_id(value) -> int | None:
    return None if value in ("", None) else int(value)


class PaymentForm(PanelForm):
    """Money received: one payment method per payment (seed 004 "Cash allocations")."""

    paid_on = DateField(
        "Payment date", validators=[InputRequired("Enter the payment date.")], default=date.today
    )
    payment_method = SelectField(
        "Payment method",
        coerce=_method_id,
        validators=[InputRequired("Choose how it was paid.")],
    )
    reference = StringField(
        "Reference", validators=[Optional(), Length(max=80)], render_kw={"maxlength": 80}
    )
    nominal_account = StringField(
        "Nominal account",
        validators=[Optional(), Length(max=40)],
        render_kw={"maxlength": 40, "placeholder": "e.g. 1200 Bank"},
    )
    amount = AmountField(
        "Amount",
        validators=[InputRequired("Enter the amount.")],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )

    def set_methods(self, methods) -> None:
        """The active payment methods, after a blank "Choose…" so nothing is picked for you."""
        self.payment_method.choices = [("", "Choose…"), *((m.id, m.name) for m in methods)]


class AccountCreditForm(PaymentForm):
    """A payment not set against any invoice (seed 004 "Account Credit")."""

    paid_on = DateField(
        "Credit date", validators=[InputRequired("Enter the credit date.")], default=date.today
    )
    reference = StringField(
        "Reference (optional)", validators=[Optional(), Length(max=80)], render_kw={"maxlength": 80}
    )


def read_allocations(formdata) -> tuple[dict[int, Decimal], dict[str, str]]:
    """The grid's "Amount to allocate" inputs (`allocation-<invoice id>`): amounts typed, by
    invoice id, and a message for each that is not an amount. Blank rows are left out."""
    amounts: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for name, text in formdata.items():
        match = ALLOCATION_FIELD.fullmatch(name)
        if not match:
            continue
        try:
            amount = parse_amount(text)
        except ValueError as error:
            errors[name] = str(error)
            continue
        if amount is not None:
            amounts[int(match.group(1))] = amount
    return amounts, errors
