"""Forms of the "Manage portal access" page (CSRF-protected, as every form)."""

from wtforms import BooleanField, SelectField

from forms.core.base import PanelForm
from models.portal.links import PERMISSIONS

EXPIRY_DAYS = (7, 30, 90, 365)


class PortalPermissionsForm(PanelForm):
    """What a link lets the customer see; one per link on the page, told apart by prefix."""

    statement = BooleanField(PERMISSIONS["statement"])
    works = BooleanField(PERMISSIONS["works"])
    documents = BooleanField(PERMISSIONS["documents"])
    assets = BooleanField(PERMISSIONS["assets"])

    def permissions(self) -> dict[str, bool]:
        return {name: bool(self[name].data) for name in PERMISSIONS}

    def permission_fields(self):
        return [self[name] for name in PERMISSIONS]


class PortalLinkForm(PortalPermissionsForm):
    expires_in_days = SelectField(
        "Link expires after",
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        coerce=int,
        default=30,
    )
