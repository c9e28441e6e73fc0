"""The audit trail in words a person reads: "Customer type: (none) → Private", the customer's
name rather than its id, a merge as a sentence.

An entry's `changes` keeps what was true when it was written (models/core/audit.py): column keys
with [old, new] for creates, edits and deletes, and each operation's own shape for the rest (merge,
dormant, import …). `describe` turns a page of entries into lines; the rows their foreign keys point
at are named with one query per model, whatever the number of entries. Nothing a secret column held
is ever shown, whatever an old entry kept.
"""

from __future__ import annotations

import enum
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Enum, Time, select
from sqlalchemy.orm import Mapper, Session

from ..core.audit import QUIET_COLUMNS, AuditEntry
from ..core.base import Base, counted, secret_names
from ..core.custom_fields import CustomField
from ..core.formats import day, day_time, label, time_of_day
from ..customers.entities import Contact, Customer
from ..customers.merge_rows import MOVED

NONE = "(none)"
CUSTOM_VALUES = "custom_fields"  # a record's custom field values, by the fields' keys
# Readable words for what an entry did; an action not named here is shown as it was written.
ACTIONS = {
    "create": "Created",
    "update": "Edited",
    "delete": "Deleted",
    "merge": "Merged",
    "unmerge": "Merge undone",
    "merge branch": "Merged branches",
    "dormant": "Set dormant",
    "reactivate": "Reactivated",
    "change type": "Changed type",
    "import": "Imported",
    "attach invoice address": "Invoice address added",
    "detach invoice address": "Invoice address removed",
    "export": "Exported",
    "export all customers": "Exported all customers",
    "login": "Logged in",
    "logout": "Logged out",
    "login failed": "Wrong password",
    "two-factor code wrong": "Wrong two-factor code",
    "locked out": "Login locked",
    "logged out everywhere": "Logged out everywhere",
    "password changed": "Password changed",
    "two-factor on": "Two-factor login on",
    "two-factor off": "Two-factor login off",
    "two-factor reset": "Two-factor login reset",
    "recovery code used": "Recovery code used",
    "recovery codes renewed": "New recovery codes",
}
# Where a column's or an operation's key says less than its label.
LABELS = {
    "comm_email": "Email communications",
    "comm_sms": "SMS communications",
    "comm_letter": "Letters",
    "comm_phone": "Phone calls",
    "rto_on": "Ready to order on",
    "sla_id": "SLA",
    "unpinned": "Notes unpinned",
    "count": "Rows imported",
    "file": "File",
}
SINGULAR = {kind.label: kind.one for kind in MOVED.values()}
# Dates and times are kept as ISO text (models.core.audit.plain); shown as the panel shows them.
READ_BACK: tuple[tuple[type, Callable[[str], Any], Callable[[Any], str]], ...] = (
    (DateTime, datetime.fromisoformat, day_time),
    (Date, date.fromisoformat, day),
    (Time, time.fromisoformat, time_of_day),
)
# What str() gave for a row whose model did not name its rows; older entries may hold it.
DEFAULT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


@dataclass(frozen=True)
class Described:
    """An entry in words: the record it is about, by name, and what it changed."""

    record: str
    lines: list[Line]


@dataclass(frozen=True)
class Line:
    """One thing an entry says: a labelled value ("Reason: Moved abroad") or a sentence."""

    text: str
    label: str | None = None

    def __str__(self) -> str:
        return f"{self.label}: {self.text}" if self.label else self.text


def is_hidden(name: str) -> bool:
    """Never shown, whatever an entry holds: secrets, security state and bookkeeping."""
    return name in QUIET_COLUMNS or name in secret_names()


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.capitalize())


def entity_words(entity: str) -> str:
    """A table's rows as a person calls them: work_address -> Work address."""
    return label_of(entity)


def label_of(key: str) -> str:
    """A key as a person names the field: customer_type_id -> Customer type."""
    if key in LABELS:
        return LABELS[key]
    words = key.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def describe(session: Session, entries: Iterable[AuditEntry]) -> dict[int, Described]:
    """Each entry in words, by entry id; one query per model the entries name, however many."""
    entries = list(entries)
    wanted: dict[type, set[int]] = defaultdict(set)
    for entry in entries:
        for model, row_id in (*_own_row(entry), *_references(entry)):
            wanted[model].add(row_id)
    names = Names(
        {
            (model, row.id): name_of(row)
            for model, ids in wanted.items()
            for row in session.scalars(select(model).where(model.id.in_(sorted(ids))))
        },
        _custom_labels(session, entries),
    )
    return {entry.id: Described(_record(entry, names), _lines(entry, names)) for entry in entries}


def name_of(row: Any) -> str:
    """A row as the panel names it; a customer with its account number."""
    if isinstance(row, Customer):
        return f"{row.display_name or '(no name)'} ({row.account_number})"
    return str(row)


@dataclass(frozen=True)
class Names:
    """The rows a page of entries points at, named; a row gone since is said to be."""

    by_key: dict[tuple[type, int], str]
    custom_labels: dict[str, str]  # custom fields' labels by key, for their values' changes

    def __call__(self, model: type, row_id: Any) -> str:
        if row_id is None:
            return NONE
        found = self.by_key.get((model, row_id))
        if found is None:
            return f"{entity_words(model.__tablename__)} #{row_id} (deleted)"
        return found


def _record(entry: AuditEntry, names: Names) -> str:
    """The kind of row and its name: now, while it exists (a merge's summary is a sentence, and
    a customer is found by its account number); else as it was named when the entry was written."""
    kind = entity_words(entry.entity)
    for key in _own_row(entry):
        if key in names.by_key:
            return f"{kind}: {names.by_key[key]}"
    if not entry.summary or DEFAULT_REPR.fullmatch(entry.summary):
        return f"{kind} #{entry.entity_id}"
    return f"{kind}: {entry.summary}"


# --- what an entry points at ------------------------------------------------------------------


def _own_row(entry: AuditEntry) -> tuple[tuple[type, int], ...]:
    model = _models().get(entry.entity)
    if model is None or "id" not in _columns(entry.entity) or not entry.entity_id.isdigit():
        return ()
    return ((model, int(entry.entity_id)),)


def _references(entry: AuditEntry) -> Iterable[tuple[type, int]]:
    changes = _changes(entry)
    special = SPECIAL.get(entry.action)
    if special is not None and _has(changes, special.needs):
        yield from special.references(changes)
        return
    for key, value in changes.items():
        target = _target(entry.entity, key)
        if target is not None and not is_hidden(key):
            yield from ((target, v) for v in _pair_or_value(value) if isinstance(v, int))


def _target(entity: str, key: str) -> type | None:
    """The model a foreign-key column of this table points at (by its id)."""
    column = _columns(entity).get(key)
    if column is None or not column.foreign_keys:
        return None
    [foreign_key] = column.foreign_keys
    return _models().get(foreign_key.column.table.name) if foreign_key.column.key == "id" else None


@functools.cache
def _models() -> dict[str, type]:
    return {mapper.local_table.name: mapper.class_ for mapper in Base.registry.mappers}


@functools.cache
def _columns(entity: str) -> dict[str, Column]:
    model = _models().get(entity)
    if model is None:
        return {}
    mapper: Mapper = model.__mapper__
    return {attr.key: attr.columns[0] for attr in mapper.column_attrs}


def _changes(entry: AuditEntry) -> dict:
    """The entry's keyed changes; an entry that kept something else has none (see _lines)."""
    return entry.changes if isinstance(entry.changes, dict) else {}


def _has(changes: dict, keys: tuple[str, ...]) -> bool:
    return all(key in changes for key in keys)


def _pair_or_value(value: Any) -> list:
    return value if _is_pair(value) else [value]


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


# --- lines ----------------------------------------------------------------------------------


def _lines(entry: AuditEntry, names: Names) -> list[Line]:
    if entry.changes is not None and not isinstance(entry.changes, dict):
        return [Line(_typed(None, entry.changes))]  # a list or a sentence, said as it is
    changes = _changes(entry)
    special = SPECIAL.get(entry.action)
    if special is not None and _has(changes, special.needs):
        return special.lines(entry, changes, names)
    return _column_lines(entry.entity, changes, names)


def _custom_labels(session: Session, entries: list[AuditEntry]) -> dict[str, str]:
    """The labels of the custom fields the entries changed values of (removed ones too), in
    one query when there are any."""
    if not any(CUSTOM_VALUES in _changes(entry) for entry in entries):
        return {}
    return dict(session.execute(select(CustomField.key, CustomField.label)).all())


def _custom_value_lines(value: Any, names: Names) -> list[Line]:
    """A custom field's change under its label ("Gate code: 1234 → 4321"), a field at a time;
    a field purged since is named by its key."""
    old, new = (part or {} for part in value) if _is_pair(value) else ({}, value or {})
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [Line(_typed(None, value), label_of(CUSTOM_VALUES))]
    return [
        Line(
            f"{_custom_typed(old.get(key))} → {_custom_typed(new.get(key))}",
            names.custom_labels.get(key, label_of(key)),
        )
        for key in dict.fromkeys([*old, *new])
        if old.get(key) != new.get(key)
    ]


def _custom_typed(value: Any) -> str:
    return NONE if value in (None, "", []) else _typed(None, value)


def _column_lines(entity: str, changes: dict, names: Names) -> list[Line]:
    """A line per key: [old, new] as "old → new", anything else as its value."""
    lines = []
    for key, value in changes.items():
        column = _columns(entity).get(key)
        if is_hidden(key) or (column is not None and column.primary_key):
            continue  # the row itself is named by the entry's record
        if key == CUSTOM_VALUES:
            lines += _custom_value_lines(value, names)
            continue
        words = [_value(entity, key, part, names) for part in _pair_or_value(value)]
        if len(words) == 1 or words[0] != words[1]:  # an empty JSON default: nothing to say
            lines.append(Line(" → ".join(words), label_of(key)))
    return lines


def _value(entity: str, key: str, value: Any, names: Names) -> str:
    if value is None or value == "" or value == {} or value == []:
        return NONE
    target = _target(entity, key)
    if target is not None:
        return names(target, value)
    column = _columns(entity).get(key)
    return _typed(column.type if column is not None else None, value)


def _typed(kind: Any, value: Any) -> str:
    """A JSON-kept value shown as its column's type says: Yes/No, 14 Mar 2026, In progress."""
    if isinstance(value, bool) or isinstance(kind, Boolean):
        return "Yes" if value else "No"
    if isinstance(kind, Enum) or isinstance(value, enum.Enum):
        stored = getattr(getattr(kind, "enum_class", None), "_value2member_map_", {})
        return label(stored.get(value, value))
    if isinstance(value, str):
        for column_type, parse, shown in READ_BACK:
            if isinstance(kind, column_type):
                return _formatted(parse, value, shown)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_typed(None, part)}" for key, part in value.items())
    if isinstance(value, list):
        return ", ".join(_typed(None, part) for part in value)
    return str(value)


def _formatted(parse: Callable[[str], Any], value: str, shown: Callable[[Any], str]) -> str:
    try:
        return shown(parse(value))
    except ValueError:
        return value


def _counts(counts: dict[str, int], singular: dict[str, str]) -> str:
    """{"Works": 3, "Invoices": 1} -> "3 works, 1 invoice"."""
    return ", ".join(
        counted(number, singular.get(label, label.lower()), label.lower())
        for label, number in counts.items()
        if number
    )


# --- operations with a shape of their own -----------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """How one operation's entry reads: the keys it needs, the rows it names, its lines."""

    needs: tuple[str, ...]
    references: Callable[[dict], Iterable[tuple[type, int]]]
    lines: Callable[[AuditEntry, dict, Names], list[Line]]


def _merge_references(changes: dict) -> Iterable[tuple[type, int]]:
    yield Customer, changes["kept_id"]
    yield Customer, changes["absorbed_id"]
    for key, value in (changes.get("filled") or {}).items():
        target = _target("customer", key)
        if target is not None:
            yield from ((target, v) for v in _pair_or_value(value) if isinstance(v, int))
    if isinstance(changes.get("primary_contact_cleared"), int):
        yield Contact, changes["primary_contact_cleared"]


def _merged_names(changes: dict, names: Names) -> tuple[str, str]:
    absorbed = names(Customer, changes["absorbed_id"])
    if (Customer, changes["absorbed_id"]) not in names.by_key and changes.get("absorbed_name"):
        absorbed = changes["absorbed_name"]
    return absorbed, names(Customer, changes["kept_id"])


def _merge_lines(entry: AuditEntry, changes: dict, names: Names) -> list[Line]:
    absorbed, kept = _merged_names(changes, names)
    moved = _counts(changes.get("counts") or {}, SINGULAR)
    lines = [Line(f"Merged {absorbed} into {kept}: {moved or 'nothing'} moved")]
    lines += _column_lines("customer", changes.get("filled") or {}, names)  # the fields filled
    lines += [
        Line(str(number), label)
        for label, number in (changes.get("duplicates") or {}).items()
        if number
    ]
    if changes.get("primary_contact_cleared") is not None:
        contact = names(Contact, changes["primary_contact_cleared"])
        lines.append(Line(contact, "No longer primary contact"))
    if changes.get("portal_links_revoked"):
        lines.append(Line(str(len(changes["portal_links_revoked"])), "Portal links revoked"))
    return lines


def _unmerge_lines(entry: AuditEntry, changes: dict, names: Names) -> list[Line]:
    absorbed, kept = _merged_names(changes, names)
    moved = _counts(changes.get("counts") or {}, SINGULAR)
    return [Line(f"Undid the merge of {absorbed} into {kept}: {moved or 'nothing'} moved back")]


BRANCH_ROWS = {
    "work addresses": "work address",
    "contacts": "contact",
    "phone numbers": "phone number",
}


def _merge_branch_lines(entry: AuditEntry, changes: dict, names: Names) -> list[Line]:
    moved = _counts({key: changes[key] for key in BRANCH_ROWS if key in changes}, BRANCH_ROWS)
    absorbed, kept = changes["absorbed"], entry.summary  # the kept branch's name then
    return [Line(f"Merged branch {absorbed} into {kept}: {moved or 'nothing'} moved")]


def _change_type_lines(entry: AuditEntry, changes: dict, names: Names) -> list[Line]:
    return [Line(f"{changes['from'] or NONE} → {changes['to'] or NONE}", "Customer type")]


def _none(changes: dict) -> Iterable[tuple[type, int]]:
    return ()


SPECIAL: dict[str, Shape] = {
    "merge": Shape(("kept_id", "absorbed_id"), _merge_references, _merge_lines),
    "unmerge": Shape(("kept_id", "absorbed_id"), _merge_references, _unmerge_lines),
    "merge branch": Shape(("absorbed",), _none, _merge_branch_lines),
    "change type": Shape(("from", "to"), _none, _change_type_lines),
}
