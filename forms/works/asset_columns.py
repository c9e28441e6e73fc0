"""The columns a user may choose for the Assets tab (seed 004: "customise the columns
displayed"), kept with the user's panel layout; the technical reference always shows, as it
names the asset."""

from __future__ import annotations

from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import ValidationError

from forms.core.base import PanelForm

ASSET_COLUMNS = {
    "group": "Group",
    "make_model": "Make / model",
    "fuel": "Fuel",
    "location": "Location",
    "serial": "Serial number",
    "installed": "Installed",
    "last_service": "Last service",
    "next_service": "Next service",
}
DEFAULT_ASSET_COLUMNS = ("group", "make_model", "fuel", "location", "serial", "next_service")
PREFERENCE = "asset_columns"


def asset_columns(user) -> list[str]:
    """The user's columns in the tab's order; the default set until they choose."""
    chosen = (user.preferences or {}).get(PREFERENCE)
    shown = DEFAULT_ASSET_COLUMNS if chosen is None else set(chosen)
    return [key for key in ASSET_COLUMNS if key in shown]


class ColumnChoices(SelectMultipleField):
    """Ticked columns; a name that is not one of them is refused by name."""

    def pre_validate(self, form) -> None:
        unknown = [value for value in self.data or () if value not in ASSET_COLUMNS]
        if unknown:
            raise ValidationError(f"There is no column {unknown[0]!r}: tick columns from the list.")


class AssetColumnsForm(PanelForm):
    columns = ColumnChoices("Columns shown", choices=list(ASSET_COLUMNS.items()))
    next = HiddenField()
