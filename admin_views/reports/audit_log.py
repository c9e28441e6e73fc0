"""Admin → Audit log: who did what, when, in words (models/reports/audit_log.py says how)."""

from __future__ import annotations

from flask import g, url_for
from markupsafe import Markup, escape

from admin_views.core.base import ReadOnlyModelView
from extensions import db
from models import AuditEntry, Role
from models.reports.audit_log import Described, Line, action_words, describe

LIST_LINES = 4  # a list row shows this many of an entry's lines; its own page shows them all
LIST_LINE_CHARS = 160


def described(entry: AuditEntry) -> Described:
    """The entry in words, from the page's one lookup when the list made it (see get_list)."""
    words = g.setdefault("audit_words", {})
    if entry.id not in words:
        words.update(describe(db.session, [entry]))
    return words[entry.id]


def _action(view, context, model, name):
    return action_words(model.action)


def _record(view, context, model, name):
    return described(model).record


def _render(lines: list[Line], more: str = "") -> Markup:
    items = "".join(
        f'<li><span class="text-muted">{escape(line.label)}:</span> {escape(line.text)}</li>'
        if line.label
        else f"<li>{escape(line.text)}</li>"
        for line in lines
    )
    # Every value was escaped above.
    return Markup(f'<ul class="list-unstyled mb-0 audit-lines">{items}{more}</ul>')  # noqa: S704


def _shortened(line: Line) -> Line:
    if len(line.text) <= LIST_LINE_CHARS:
        return line
    return Line(line.text[: LIST_LINE_CHARS - 1] + "…", line.label)


def _list_changes(view, context, model, name):
    lines = described(model).lines
    more = ""
    if len(lines) > LIST_LINES:
        link = url_for(".details_view", id=model.id)
        more = f'<li><a href="{escape(link)}">and {len(lines) - LIST_LINES} more</a></li>'
    return _render([_shortened(line) for line in lines[:LIST_LINES]], more)


def _detail_changes(view, context, model, name):
    return _render(described(model).lines)


class AuditLogView(ReadOnlyModelView):
    """Only what is declared shows: no filter reaches the user's row beyond its name."""

    role = Role.admin
    column_list = ("at", "user", "action", "record", "changes")
    column_details_list = ("at", "user", "action", "record", "summary", "entity_id", "changes")
    list_template = "admin/reports/audit_log/list.html"
    column_labels = {
        "at": "When",
        "user": "Who",
        "user.name": "Who",
        "record": "Record",
        "entity": "Kind of record",
        "entity_id": "Record id",
        "summary": "Summary",
        "changes": "What changed",
    }
    column_sortable_list = ("at", ("user", "user.name"), "action")
    column_default_sort = ("at", True)
    column_searchable_list = ("summary",)
    column_filters = ("at", "user.name", "action", "entity", "entity_id")
    column_formatters = {"action": _action, "record": _record, "changes": _list_changes}
    column_formatters_detail = {
        "action": _action,
        "record": _record,
        "changes": _detail_changes,
    }

    def get_list(self, *args, **kwargs):
        count, entries = super().get_list(*args, **kwargs)
        g.audit_words = describe(db.session, entries)  # the page's rows named at once
        return count, entries

    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
        # A flush writes many entries at one time: without a last tie-break, PostgreSQL may
        # order equal rows differently for each LIMIT/OFFSET and show one on two pages.
        return query.order_by(AuditEntry.id.desc()), joins
