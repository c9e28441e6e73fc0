"""Bulk upload of work addresses from the customer record (seed 004 "Bulk upload work
addresses"): upload a CSV, choose what each column holds, preview every row, import all or none.

The uploaded file is staged on disk (models.data.import_staging) until it is imported, discarded or
expired. An import killed half-way wrote nothing: its page offers to run it again or discard it.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import abort, current_app, flash, jsonify, make_response, redirect, request, url_for
from flask_admin import expose
from sqlalchemy.exc import DBAPIError

from admin_views.core.base import CustomerPagesView, changes_data
from admin_views.customers.record import PageLink, register_action
from extensions import db
from forms.data.address_import import CsvUploadForm, mapping_form
from models import Customer
from models.core.base import counted, utcnow
from models.data.address_import import (
    FIELDS,
    ImportPreview,
    ImportRefused,
    ParsedCsv,
    custom_fields_of,
    guess_mapping,
    import_fields,
    import_rows,
    preview,
    read_csv,
)
from models.data.csv_files import MAX_ROWS
from models.data.import_staging import TOKEN, ImportExpired, ImportInUse, ImportStore, StagedImport

PREVIEW_ROWS = 200  # rows shown on the preview page; every row is checked
PROBLEMS_SHOWN = 500
SAMPLES = 5
DEFAULT_LIMIT = 10 * 1024 * 1024


def import_store() -> ImportStore:
    config = current_app.config
    return ImportStore(config["IMPORT_FOLDER"], config["IMPORT_STAGING_HOURS"])


def import_limit() -> int:
    config = current_app.config
    return config.get("IMPORT_MAX_BYTES") or min(DEFAULT_LIMIT, config["MAX_CONTENT_LENGTH"])


def _fields(mapping: dict[int, str | None]) -> dict[str, str]:
    """A mapping of columns as the mapping form's fields post it."""
    return {f"column_{index}": name or "" for index, name in mapping.items()}


@register_action(heading="Work addresses", weight=20)
class BulkUploadWorkAddresses(PageLink):
    title, endpoint = "Bulk upload work addresses", "customer.import_addresses"


class AddressImportPages(CustomerPagesView):
    """The import pages, mounted on the customer view. Every page is a write: read_only users
    are refused (403)."""

    def _staged(self, customer_id: int, token: str) -> tuple[Customer, ParsedCsv, StagedImport]:
        """The customer and the file staged for it under this token, read; a page saying so
        when it expired; else 404."""
        customer = self.load_customer(customer_id)
        try:
            staged = import_store().load(customer.id, token, utcnow())
        except ImportExpired as expired:
            page = self.render(
                "admin/customers/record/import_expired.html", customer=customer, why=expired
            )
            abort(make_response(page, 410))
        if staged is None:
            abort(404)
        try:
            parsed = read_csv(staged.data, max(import_limit(), len(staged.data)))
        except ImportRefused:  # accepted at upload, under a limit lowered since
            abort(404)
        return customer, parsed, staged

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
                token = import_store().save(customer.id, data, filename, utcnow())
                return redirect(
                    url_for(".import_addresses_columns", customer_id=customer.id, token=token)
                )
        return self.render(
            "admin/customers/record/import_upload.html",
            customer=customer,
            form=form,
            limit_mb=limit / (1024 * 1024),
            max_rows=MAX_ROWS,
            fields=FIELDS,
        ), (400 if form.errors else 200)

    @expose("/<int:customer_id>/import-addresses/<token>/")
    @changes_data
    def import_addresses_columns(self, customer_id: int, token: str):
        customer, parsed, staged = self._staged(customer_id, token)
        chosen = {
            int(key.removeprefix("column_")): value
            for key, value in request.args.items()
            if re.fullmatch(r"column_\d{1,3}", key)
        }
        definitions = custom_fields_of(db.session, customer)
        initial = chosen or staged.interrupted or guess_mapping(parsed.header, definitions)
        form = mapping_form(parsed.header, initial, import_fields(definitions), formdata=None)
        return self._render_columns(customer, token, parsed, staged, form)

    @expose("/<int:customer_id>/import-addresses/<token>/preview", methods=("POST",))
    @changes_data
    def import_addresses_preview(self, customer_id: int, token: str):
        customer, parsed, staged = self._staged(customer_id, token)
        form = self._mapping_form(customer, parsed)
        if not form.validate():
            return self._render_columns(customer, token, parsed, staged, form, status=400)
        try:
            result = preview(db.session, customer, parsed, form.mapping(), limit=PREVIEW_ROWS)
        except ImportRefused as error:
            return self._render_columns(
                customer, token, parsed, staged, form, problem=str(error), status=400
            )
        return self._render_preview(customer, token, staged.filename, form, result)

    @expose("/<int:customer_id>/import-addresses/<token>/import", methods=("POST",))
    @changes_data
    def import_addresses_run(self, customer_id: int, token: str):
        """Runs the import, the first time or again after one was killed half-way."""
        customer, parsed, staged = self._staged(customer_id, token)
        form = self._mapping_form(customer, parsed)
        if not form.validate():
            return self._render_columns(customer, token, parsed, staged, form, status=400)
        store = import_store()
        try:
            with store.importing(customer.id, token, form.mapping()):
                count = import_rows(
                    db.session,
                    customer,
                    parsed,
                    form.mapping(),
                    progress=lambda done, total: store.write_progress(
                        customer.id, token, done, total
                    ),
                    filename=staged.filename,
                )
                db.session.commit()
                store.discard(customer.id, token)  # only once the rows are committed
        except ImportInUse as error:
            flash(f"{error} See the work addresses below.", "error")
            return redirect(self.record_url(customer, "addresses"))
        except (ImportRefused, DBAPIError) as error:
            db.session.rollback()
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
                    customer, token, parsed, staged, form, problem=str(refusal), status=400
                )
            return self._render_preview(customer, token, staged.filename, form, result, 400)
        flash(f"Imported {counted(count, 'work address', 'work addresses')}.", "success")
        return redirect(self.record_url(customer, "addresses"))

    @expose("/<int:customer_id>/import-addresses/<token>/discard", methods=("POST",))
    @changes_data
    def import_addresses_discard(self, customer_id: int, token: str):
        customer, _parsed, staged = self._staged(customer_id, token)
        try:
            import_store().discard_unless_importing(customer.id, token)
        except ImportInUse as error:
            flash(f"Not discarded: {error}", "error")
            return redirect(self.record_url(customer, "addresses"))
        flash(f"Discarded {staged.filename}: nothing was imported from it.", "success")
        return redirect(url_for(".import_addresses", customer_id=customer.id))

    @expose("/<int:customer_id>/import-addresses/<token>/progress")
    @changes_data
    def import_addresses_progress(self, customer_id: int, token: str):
        if not TOKEN.fullmatch(token):
            abort(404)
        response = jsonify(import_store().read_progress(customer_id, token))
        response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _mapping_form(customer: Customer, parsed: ParsedCsv):
        """The mapping form as posted, its choices the fields this customer's import takes."""
        return mapping_form(
            parsed.header, {}, import_fields(custom_fields_of(db.session, customer))
        )

    def _render_columns(self, customer, token, parsed, staged, form, problem=None, status=200):
        samples = [
            [row[index] for row in parsed.rows[:100] if row[index]][:SAMPLES]
            for index in range(len(parsed.header))
        ]
        return self.render(
            "admin/customers/record/import_columns.html",
            customer=customer,
            token=token,
            parsed=parsed,
            filename=staged.filename,
            form=form,
            columns=list(zip(form.columns(), samples, strict=True)),
            problem=problem,
            interrupted=None if staged.interrupted is None else _fields(staged.interrupted),
        ), status

    def _render_preview(self, customer, token, filename, form, result: ImportPreview, status=200):
        mapping = form.mapping()
        chosen = set(mapping.values())
        return self.render(
            "admin/customers/record/import_preview.html",
            customer=customer,
            token=token,
            filename=filename,
            result=result,
            problems=result.problems[:PROBLEMS_SHOWN],
            shown_fields=[
                (name, label)
                for name, label in import_fields(custom_fields_of(db.session, customer)).items()
                if name in chosen
            ],
            mapping=_fields(mapping),
            rows_word=counted,
        ), status
