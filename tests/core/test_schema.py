"""Structural promises: indexed foreign keys, constrained statuses, no whole-table dropdowns."""

from flask_admin.contrib.sqla.fields import (
    InlineModelFormList,
    QuerySelectField,
    QuerySelectMultipleField,
)
from sqlalchemy import Enum as SAEnum

from admin_views.core.base import SecureModelView
from models import Base


def test_every_foreign_key_column_leads_an_index():
    unindexed = []
    for table in Base.metadata.sorted_tables:
        leading = {index.columns[0].name for index in table.indexes}
        leading |= {
            c.columns[0].name
            for c in table.constraints
            if c.columns and type(c).__name__ in ("PrimaryKeyConstraint", "UniqueConstraint")
        }
        unindexed += [
            f"{table.name}.{fk.parent.name}"
            for fk in table.foreign_keys
            if fk.parent.name not in leading
        ]
    assert unindexed == []


def test_every_status_like_column_is_a_constrained_enum():
    loose = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name in ("status", "kind", "role", "category", "breakdown")
        and not (isinstance(column.type, SAEnum) and column.type.create_constraint)
    ]
    assert loose == []


def form_fields(form_class):
    """Every field of a form, including those of its inline child forms."""
    for field in form_class(formdata=None):
        yield field
        if isinstance(field, InlineModelFormList):
            yield from form_fields(field.form)


def test_no_form_renders_a_relationship_as_a_whole_table_dropdown(app):
    offenders = []
    with app.test_request_context():
        for view in app.extensions["admin"][0]._views:
            if not isinstance(view, SecureModelView):
                continue
            for field in form_fields(view.get_create_form()):
                if isinstance(field, QuerySelectField | QuerySelectMultipleField):
                    offenders.append(f"{view.endpoint}.{field.name}")
    assert offenders == []
