"""Export all customer data (seed 004): a ZIP with one CSV per table plus the customer's files.

Built to be re-imported (every column, ids kept, parent tables before child tables) and to be
opened safely in a spreadsheet (text that could start a formula is escaped). Rows and files are
streamed into the ZIP as they are read, so memory stays bounded however big the export is.
"""

from __future__ import annotations

import base64
import csv
import enum
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, Select, Table, or_, select
from sqlalchemy.orm import Session

from ..core.base import Base, is_secret, secret_names, utcnow
from ..core.custom_fields import (
    CHOICE_SEPARATOR,
    CustomField,
    CustomFieldTarget,
    definitions_for,
)
from ..core.errors import DomainError
from ..customers.entities import Customer
from ..files.entities import Attachment
from ..files.uploads import UploadRefused, attachment_path

# OWASP CSV injection: a cell starting with one of these is read as a formula. The apostrophe
# itself is escaped too, so dropping one leading apostrophe on import restores any text exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
# Tables no customer owns, exported with the rows the customer's rows refer to.
SHARED_TABLES = ("invoice_address",)
BATCH_ROWS = 1000
CHUNK_BYTES = 64 * 1024
MAX_NAME = 100
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|]')

Tables = Iterable[tuple[str, Select]]
Files = Iterable[tuple[str, Path]]


def neutralise(value: Any) -> str:
    """One CSV cell. Numbers stay numbers (-12.50); text a spreadsheet would run gets a "'"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):  # an emailed PDF kept in the outbox
        value = base64.b64encode(value).decode("ascii")
    elif isinstance(value, enum.Enum):
        value = value.value
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def restore(cell: str) -> str:
    """The text `neutralise` was given: for whoever re-imports an export."""
    return cell[1:] if cell.startswith("'") else cell


def customer_tables(session: Session, customer_id: int) -> list[tuple[str, Select]]:
    """(table, SELECT of the customer's rows) for every table holding the customer's data.

    Read from the schema, so a new table needs no change here: rows with the customer's
    customer_id, then rows owned by those through an ON DELETE CASCADE key (contacts' phones,
    invoice lines...), then the shared rows they refer to (invoice addresses). Properties the
    customer is only the landlord of (SET NULL) stay on their owner's record.
    """
    if session.get(Customer, customer_id) is None:
        raise DomainError("There is no such customer to export.")
    owned: dict[str, ColumnElement[bool]] = {}
    for table in Base.metadata.sorted_tables:  # parents first: their conditions are ready
        condition = _owned(table, customer_id, owned)
        if condition is not None:
            owned[table.name] = condition
    conditions = dict(owned)
    for name in SHARED_TABLES:
        shared = Base.metadata.tables[name]
        referring = [
            fk.column.in_(select(fk.parent).where(condition))
            for owner, condition in owned.items()
            for fk in Base.metadata.tables[owner].foreign_keys
            if fk.column.table is shared
        ]
        conditions[name] = or_(*referring)
    return [
        (table.name, _select(table).where(conditions[table.name]))
        for table in Base.metadata.sorted_tables
        if table.name in conditions
    ]


def all_tables(session: Session) -> list[tuple[str, Select]]:
    """Every table and row, secrets left out: the admin's whole-database export, users,
    lookups and the audit trail included, so that it can be restored or moved elsewhere."""
    return [(table.name, _select(table)) for table in Base.metadata.sorted_tables]


def customer_files(
    session: Session, customer_id: int | None, folder: str | Path
) -> list[tuple[str, Path]]:
    """(member name, path) of the customer's files that exist (None: everyone's); thumbnails
    are left out, they are made again from the pictures."""
    query = select(Attachment.id, Attachment.original_name, Attachment.stored_name)
    if customer_id is not None:
        query = query.where(Attachment.customer_id == customer_id)
    files = []
    for attachment in session.execute(query.order_by(Attachment.id)):
        try:
            path = attachment_path(attachment, folder)
        except UploadRefused:
            continue  # a stored name that leaves the folder is not followed
        if path.is_file():
            name = f"{attachment.id}-{safe_file_name(attachment.original_name)}"
            files.append((safe_file_name(name), path))
    return files


def safe_file_name(name: str | None) -> str:
    """A ZIP member name that unpacks where it is meant to, on any system: base name only,
    no control characters, no "..", no leading dot, at most MAX_NAME characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    base = re.sub(r"\.{2,}", ".", UNSAFE_NAME.sub("_", base)).strip().lstrip(". ")
    if len(base) > MAX_NAME:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = stem[: MAX_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            base = base[:MAX_NAME]
    return base or "file"


def write_export_zip(
    session: Session,
    tables: Tables,
    out: BinaryIO,
    files: Files = (),
    *,
    title: str = "Customer Record export",
) -> None:
    """Write the export to `out`, which needs only write() and flush() (no seek)."""
    for _ in _write_steps(session, tables, out, files, title):
        pass


def stream_export(
    session: Session, tables: Tables, files: Files = (), *, title: str = "Customer Record export"
) -> Iterator[bytes]:
    """The export's bytes in chunks of about CHUNK_BYTES, as they are produced; the session
    must stay open until the last one (a web view streams it with the request's context)."""
    pipe = _Pipe()
    for _ in _write_steps(session, tables, pipe, files, title):
        if pipe.size >= CHUNK_BYTES:
            yield pipe.take()
    if pipe.size:
        yield pipe.take()


class _Pipe:
    """A write-only sink that hands on what zipfile writes: zipfile cannot seek it, so it
    writes each member's sizes after its data (a data descriptor)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks, self.size = [], 0
        return data


def _owned(
    table: Table, customer_id: int, owned: dict[str, ColumnElement[bool]]
) -> ColumnElement[bool] | None:
    if table.name == Customer.__tablename__:
        return table.c.id == customer_id
    column = table.c.get("customer_id")
    if column is not None and not column.nullable:
        return column == customer_id
    parents = [column == customer_id] if column is not None else []
    parents += [
        fk.parent.in_(select(fk.column).where(owned[fk.column.table.name]))
        for fk in table.foreign_keys
        if (fk.ondelete or "").upper() == "CASCADE"
        and fk.column.table.name in owned
        and fk.parent is not column
    ]
    return or_(*parents) if parents else None


def _select(table: Table) -> Select:
    columns = [column for column in table.c if not is_secret(column)]  # never exported
    return select(*columns).order_by(*table.primary_key.columns)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        value = {key: item for key, item in value.items() if key not in secret_names()}
    return neutralise(value)


def _write_steps(
    session: Session, tables: Tables, out: BinaryIO, files: Files, title: str
) -> Iterator[None]:
    """Write the ZIP, pausing after every row and every block of a file."""
    contents: list[tuple[str, str]] = []
    custom = _custom_columns(session)
    archive = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    try:
        for table, statement in tables:
            member = f"{table}.csv"
            rows = yield from _write_table(session, archive, member, statement, custom.get(table))
            contents.append((f"{table}.csv", f"{rows} row{'' if rows == 1 else 's'} of {table}"))
        done: set[str] = set()
        for name, path in files:
            member = "files/" + safe_file_name(name)
            if member not in done and (yield from _write_file(archive, member, path)):
                done.add(member)
        if done:
            contents.append(("files/", f"{len(done)} files from the record (see attachment.csv)"))
        archive.writestr("README.txt", _readme(title, contents))
    except BaseException:
        archive.fp = None  # no central directory: a failed export must not open as a whole one
        raise
    archive.close()
    yield


def _custom_columns(session: Session) -> dict[str, list[CustomField]]:
    """The live custom fields of each table that holds their values (the table is named as
    the kind of record they belong to), each exported as a column of its own: cf_<key>."""
    columns: dict[str, list[CustomField]] = {}
    for target in CustomFieldTarget:
        columns[target.value] = definitions_for(session, target, None)
    return columns


def _custom_cells(definitions: list[CustomField], stored: dict | None) -> list[str]:
    """A row's custom values as the CSV import takes them back: several choices joined by
    commas, yes/no as true/false, the rest as stored."""
    stored = stored or {}
    cells = []
    for definition in definitions:
        value = stored.get(definition.key)
        if isinstance(value, list):
            value = f"{CHOICE_SEPARATOR} ".join(value)
        cells.append(neutralise(value))
    return cells


def _write_table(
    session: Session,
    archive: zipfile.ZipFile,
    member: str,
    statement: Select,
    custom: list[CustomField] | None = None,
):
    rows = 0
    custom = custom or []
    # force_zip64: the size is unknown until the end and may pass 2 GB.
    raw = archive.open(safe_file_name(member), "w", force_zip64=True)
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        writer = csv.writer(text)
        result = session.execute(statement, execution_options={"yield_per": BATCH_ROWS})
        try:
            writer.writerow([*result.keys(), *(d.form_name for d in custom)])
            for batch in result.partitions():
                for row in batch:
                    cells = [_cell(value) for value in row]
                    if custom:
                        cells += _custom_cells(custom, row.custom_fields)
                    writer.writerow(cells)
                    yield
                rows += len(batch)
        finally:
            result.close()
    return rows


def _write_file(archive: zipfile.ZipFile, member: str, path: Path):
    try:
        source = Path(path).open("rb")  # noqa: SIM115 (closed by the with below)
    except OSError:
        return False  # removed since it was listed: the rest of the export still counts
    with source:
        info = zipfile.ZipInfo(member, date_time=datetime.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = os.fstat(source.fileno()).st_size  # picks ZIP64 when needed
        with archive.open(info, "w") as target:
            while block := source.read(CHUNK_BYTES):
                target.write(block)
                yield
    return True


def _readme(title: str, contents: list[tuple[str, str]]) -> str:
    lines = [
        title,
        f"Created {utcnow():%Y-%m-%d %H:%M} UTC.",
        "",
        "Each .csv file is one database table: UTF-8, a header row of column names, then one",
        "row per record with its id, so the data can be imported again (parents come first).",
        "Empty cells hold no value; yes/no is true/false; dates are ISO 8601 (YYYY-MM-DD).",
        "Text starting with = + - @ ' or a tab or carriage return has an extra ' in front, so",
        "spreadsheets show it instead of running it: remove that first ' when importing.",
        "Password and portal-link hashes are never exported.",
        "Custom fields have a column each, cf_<key> (custom_field.csv describes them), beside",
        "the custom_fields column that holds them all as JSON.",
        "Files are named <attachment id>-<original name>; attachment.csv describes each.",
        "",
        *(f"{member}: {what}" for member, what in contents),
    ]
    return "\n".join(lines) + "\n"
