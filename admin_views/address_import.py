"""Bulk upload of work addresses from the customer record (seed 004 "Bulk upload work
addresses"): upload a CSV, choose what each column holds, preview every row, import all or none.

The uploaded file waits on disk under a random token, never in the session cookie, until it is
imported or is a day old. Its name carries the customer's id, so a token only opens the file on
the customer it was uploaded for.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from sqlalchemy.exc import DBAPIError

from extensions import db
from forms.address_import import CsvUploadForm, mapping_form
from models import Customer
from models.address_import import (
    FIELDS,
    ImportPreview,
    ImportRefused,
    ParsedCsv,
    guess_mapping,
    import_rows,
    preview,
    read_csv,
)
from models.base import counted
from models.csv_files import MAX_ROWS

from .base import changes_data

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,}")
PREVIEW_ROWS = 200  # rows shown on the preview page; every row is checked
PROBLEMS_SHOWN = 500
SAMPLES = 5
STALE_AFTER_SECONDS = 24 * 60 * 60
DEFAULT_LIMIT = 10 * 1024 * 1024


class ImportStore:
    """Uploaded CSV files waiting for their import: `<customer id>-<token>.csv` (renamed
    `.importing` while it imports), a `.json` beside it with the file's original name, and a
    `.progress.json` with how far the import got."""

    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def for_app(cls) -> ImportStore:
        folder = current_app.config.get("IMPORT_FOLDER")
        return cls(Path(folder) if folder else Path(current_app.instance_path) / "imports")

    def _path(self, customer_id: int, token: str, suffix: str) -> Path:
        return self.folder / f"{customer_id}-{token}{suffix}"

    def save(self, customer_id: int, data: bytes, filename: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.clean_up()
        token = secrets.token_urlsafe(24)
        self._path(customer_id, token, ".csv").write_bytes(data)
        self._path(customer_id, token, ".json").write_text(json.dumps({"filename": filename}))
        return token

    def load(self, customer_id: int, token: str) -> tuple[bytes, str] | None:
        """The file's bytes and original name, or None: unknown token or another customer's."""
        if not TOKEN.fullmatch(token):
            return None
        try:
            data = self._path(customer_id, token, ".csv").read_bytes()
            about = json.loads(self._path(customer_id, token, ".json").read_text())
        except (OSError, ValueError):
            return None
        return data, str(about.get("filename") or "a CSV file")

    def claim(self, customer_id: int, token: str) -> bool:
        """Takes the file for one import: a second submit of the same file gets False."""
        try:
            os.rename(
                self._path(customer_id, token, ".csv"),
                self._path(customer_id, token, ".importing"),
            )
        except OSError:
            return False
        return True

    def release(self, customer_id: int, token: str) -> None:
        """Gives back a claimed file after a refused import, for another try."""
        os.replace(
            self._path(customer_id, token, ".importing"), self._path(customer_id, token, ".csv")
        )

    def write_progress(self, customer_id: int, token: str, done: int, total: int) -> None:
        path = self._path(customer_id, token, ".progress.json")
        partial = path.with_name(path.name + ".tmp")
        partial.write_text(json.dumps({"done": done, "total": total}))
        os.replace(partial, path)  # a poll never reads half a file

    def read_progress(self, customer_id: int, token: str) -> dict:
        try:
            return json.loads(self._path(customer_id, token, ".progress.json").read_text())
        except (OSError, ValueError):
            return {"done": 0, "total": None}

    def discard(self, customer_id: int, token: str) -> None:
        for suffix in (".csv", ".importing", ".json", ".progress.json"):
            self._path(customer_id, token, suffix).unlink(missing_ok=True)

    def clean_up(self) -> None:
        """Files of imports started more than a day ago and never finished."""
        cutoff = time.time() - STALE_AFTER_SECONDS
        for path in self.folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass  # removed by a concurrent clean-up


def import_limit() -> int:
    config = current_app.config
    return config.get("IMPORT_MAX_BYTES") or min(DEFAULT_LIMIT, config["MAX_CONTENT_LENGTH"])


class AddressImportMixin:
    """The import pages on the customer view; uses CustomerRecordMixin's `load_customer`
    and `record_url`. Every page is a write: read_only users are refused (403)."""

    def _staged(self, customer_id: int, token: str) -> tuple[Customer, ParsedCsv, str]:
        """The customer and the file uploaded for it under this token, read; else 404."""
        customer = self.load_customer(customer_id)
        staged = ImportStore.for_app().load(customer.id, token)
        if staged is None:
            abort(404)
        data, filename = staged
        try:
            parsed = read_csv(data, max(import_limit(), len(data)))  # accepted at upload
        except ImportRefused:
            abort(404)
        return customer, parsed, filename

    @expose("/<int:customer_id>/import-addresses/", methods=("GET", "POST"))
    @changes_data
    def import_addresses(self, customer_id: int):
        customer = self.load_customer(customer_id)
        form = CsvUploadForm()
        limit = import_limit()
        if form.validate_on_submit():
            upload = form.file.data
            data = upload.stream.read(limit + 1)
            try:
                read_csv(data, limit)
            except ImportRefused as error:
                form.file.errors = [*form.file.errors, str(error)]
            else:
                filename = Path(upload.filename or "").name[:120] or "a CSV file"
                token = ImportStore.for_app().save(customer.id, data, filename)
                return redirect(
                    url_for(".import_addresses_columns", customer_id=customer.id, token=token)
                )
        return self.render(
            "admin/record/import_upload.html",
            customer=customer,
            form=form,
            limit_mb=limit / (1024 * 1024),
            max_rows=MAX_ROWS,
            fields=FIELDS,
        ), (400 if form.errors else 200)

    @expose("/<int:customer_id>/import-addresses/<token>/")
    @changes_data
    def import_addresses_columns(self, customer_id: int, token: str):
        customer, parsed, filename = self._staged(customer_id, token)
        chosen = {
            int(key.removeprefix("column_")): value
            for key, value in request.args.items()
            if re.fullmatch(r"column_\d{1,3}", key)
        }
        form = mapping_form(parsed.header, chosen or guess_mapping(parsed.header), formdata=None)
        return self._render_columns(customer, token, parsed, filename, form)

    @expose("/<int:customer_id>/import-addresses/<token>/preview", methods=("POST",))
    @changes_data
    def import_addresses_preview(self, customer_id: int, token: str):
        customer, parsed, filename = self._staged(customer_id, token)
        form = mapping_form(parsed.header, {})
        if not form.validate():
            return self._render_columns(customer, token, parsed, filename, form, status=400)
        try:
            result = preview(db.session, customer, parsed, form.mapping(), limit=PREVIEW_ROWS)
        except ImportRefused as error:
            return self._render_columns(
                customer, token, parsed, filename, form, problem=str(error), status=400
            )
        return self._render_preview(customer, token, filename, form, result)

    @expose("/<int:customer_id>/import-addresses/<token>/import", methods=("POST",))
    @changes_data
    def import_addresses_run(self, customer_id: int, token: str):
        customer, parsed, filename = self._staged(customer_id, token)
        form = mapping_form(parsed.header, {})
        if not form.validate():
            return self._render_columns(customer, token, parsed, filename, form, status=400)
        store = ImportStore.for_app()
        if not store.claim(customer.id, token):
            flash("This file is already being imported.", "error")
            return redirect(self.record_url(customer, "addresses"))
        try:
            count = import_rows(
                db.session,
                customer,
                parsed,
                form.mapping(),
                progress=lambda done, total: store.write_progress(customer.id, token, done, total),
                filename=filename,
            )
            db.session.commit()
        except (ImportRefused, DBAPIError) as error:
            db.session.rollback()
            store.release(customer.id, token)
            if isinstance(error, DBAPIError):
                message = "Nothing was imported: the database refused a row."
            elif getattr(error, "problems", None):
                message = str(error)  # "Nothing was imported: 3 rows have errors, …"
            else:
                message = f"Nothing was imported: {error}"
            flash(message, "error")
            try:
                result = preview(db.session, customer, parsed, form.mapping(), limit=PREVIEW_ROWS)
            except ImportRefused as refusal:
                return self._render_columns(
                    customer, token, parsed, filename, form, problem=str(refusal), status=400
                )
            return self._render_preview(customer, token, filename, form, result, status=400)
        store.discard(customer.id, token)
        flash(f"Imported {counted(count, 'work address', 'work addresses')}.", "success")
        return redirect(self.record_url(customer, "addresses"))

    @expose("/<int:customer_id>/import-addresses/<token>/progress")
    @changes_data
    def import_addresses_progress(self, customer_id: int, token: str):
        if not TOKEN.fullmatch(token):
            abort(404)
        response = jsonify(ImportStore.for_app().read_progress(customer_id, token))
        response.headers["Cache-Control"] = "no-store"
        return response

    def _render_columns(self, customer, token, parsed, filename, form, problem=None, status=200):
        samples = [
            [row[index] for row in parsed.rows[:100] if row[index]][:SAMPLES]
            for index in range(len(parsed.header))
        ]
        return self.render(
            "admin/record/import_columns.html",
            customer=customer,
            token=token,
            parsed=parsed,
            filename=filename,
            form=form,
            columns=list(zip(form.columns(), samples, strict=True)),
            problem=problem,
        ), status

    def _render_preview(self, customer, token, filename, form, result: ImportPreview, status=200):
        mapping = form.mapping()
        chosen = set(mapping.values())
        return self.render(
            "admin/record/import_preview.html",
            customer=customer,
            token=token,
            filename=filename,
            result=result,
            problems=result.problems[:PROBLEMS_SHOWN],
            shown_fields=[(name, label) for name, label in FIELDS.items() if name in chosen],
            mapping={f"column_{index}": name or "" for index, name in mapping.items()},
            rows_word=counted,
        ), status
