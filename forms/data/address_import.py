"""Forms of the work-address import: the upload, then one choice of field per CSV column."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from forms.core.base import PanelForm
from models.data.address_import import FIELDS

SKIP = ""


class CsvUploadForm(PanelForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to upload.")])


class ColumnMappingForm(PanelForm):
    """A select per column, named `column_<index>`; built for each file by `mapping_form`.
    Which fields may be chosen together is the domain's rule (check_mapping), not the form's."""

    def mapping(self) -> dict[int, str | None]:
        return {
            int(field.name.removeprefix("column_")): field.data or None
            for field in self
            if field.name.startswith("column_")
        }

    def columns(self):
        return [field for field in self if field.name.startswith("column_")]


def mapping_form(
    header: list[str],
    initial: dict[int, str | None],
    fields: dict[str, str] = FIELDS,
    **kwargs,
) -> ColumnMappingForm:
    """The mapping form of a file with this header, pre-set to `initial`; each column may go
    to one of `fields` (import_fields: the work address's own and its custom fields)."""
    choices = [(SKIP, "— do not import —"), *fields.items()]
    selects = {
        f"column_{index}": SelectField(name, choices=choices, default=initial.get(index) or SKIP)
        for index, name in enumerate(header)
    }
    form_class = type("FileColumnMappingForm", (ColumnMappingForm,), selects)
    return form_class(**kwargs)
