"""Admin > Outbox: every email the panel sent, failed to send, or queued because no mail server
is set up; attachments downloadable, queued and failed ones sent again on demand."""

from __future__ import annotations

import mimetypes

from flask import Response, abort, current_app, flash
from flask_admin import expose
from flask_admin.actions import action
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from admin_views.core.base import ReadOnlyModelView, is_row_id
from admin_views.money.documents import document_response
from extensions import db
from models import OutboxAttachment, OutboxMessage, OutboxStatus, Role, ValidationFailed
from models.files.mail import SmtpSettings, send_or_queue


def attachment_link(view, context, model, name):
    if not model.attachment_name:
        return ""
    link = Markup('<a href="{}" class="d-block"><i class="fa fa-paperclip"></i> {}</a>')
    links = [link.format(view.get_url(".attachment", message_id=model.id), model.attachment_name)]
    links += [
        link.format(view.get_url(".more_attachment", attachment_id=extra.id), extra.name)
        for extra in model.more_attachments
    ]
    return Markup("").join(links)


class OutboxView(ReadOnlyModelView):
    noun = "message"
    role = Role.admin  # messages carry statements and customers' addresses
    can_view_details = True
    column_list = (
        "created_at",
        "recipient",
        "subject",
        "attachment_name",
        "status",
        "sent_at",
        "error",
        "customer",
    )
    column_details_list = (
        "created_at",
        "created_by",
        "customer",
        "recipient",
        "subject",
        "body",
        "attachment_name",
        "status",
        "sent_at",
        "error",
    )
    column_labels = {"created_at": "Created", "sent_at": "Sent", "attachment_name": "Attachment"}
    column_formatters = {"attachment_name": attachment_link}
    column_formatters_detail = {"attachment_name": attachment_link}
    column_filters = ("status",)
    column_sortable_list = ("created_at", "status", "sent_at", "recipient")
    column_searchable_list = ()
    column_default_sort = ("created_at", True)

    # The attachment's bytes are read only when it is downloaded, never for a list or a page.
    def get_query(self):
        return (
            super()
            .get_query()
            .options(defer(OutboxMessage.attachment), selectinload(OutboxMessage.more_attachments))
        )

    def get_one(self, id):
        if not is_row_id(id):
            return None
        return db.session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.id == int(id))
            .options(defer(OutboxMessage.attachment))
        )

    @expose("/attachment/<int:message_id>")
    def attachment(self, message_id: int) -> Response:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.attachment is None:
            abort(404)
        name = message.attachment_name or "attachment"
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return document_response(message.attachment, name, True, kind)

    @expose("/attachment/more/<int:attachment_id>")
    def more_attachment(self, attachment_id: int) -> Response:
        extra = db.session.get(OutboxAttachment, attachment_id)
        if extra is None:
            abort(404)
        kind = mimetypes.guess_type(extra.name)[0] or "application/octet-stream"
        return document_response(extra.content, extra.name, True, kind)

    @action("send", "Send now", "Send the selected queued or failed messages now?")
    def send_now(self, ids):
        smtp = SmtpSettings.from_config(current_app.config)
        if smtp is None:
            flash(
                "No mail server is set up (SMTP_HOST), so nothing was sent: the messages stay "
                "queued.",
                "error",
            )
            return
        chosen = (
            self.scoped(ids)
            .filter(OutboxMessage.status.in_((OutboxStatus.queued, OutboxStatus.failed)))
            .all()
        )
        outcomes = {status: 0 for status in OutboxStatus}
        for message in chosen:
            try:
                outcomes[send_or_queue(db.session, message, smtp).status] += 1
            except ValidationFailed as refused:
                message.status, message.error = OutboxStatus.failed, str(refused)
                outcomes[OutboxStatus.failed] += 1
        db.session.commit()
        skipped = len(ids) - len(chosen)
        flash(
            f"{outcomes[OutboxStatus.sent]} sent, {outcomes[OutboxStatus.failed]} failed "
            "(the reason is in the Error column)"
            + (f", {skipped} skipped: already sent." if skipped else "."),
            "success" if not outcomes[OutboxStatus.failed] else "warning",
        )
