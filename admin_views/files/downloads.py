"""Handing a stored file to a browser, for staff pages and the customer portal alike."""

from flask import abort, current_app, send_file

from models import Attachment
from models.files.uploads import UploadRefused, attachment_path


def send_attachment(attachment: Attachment, thumbnail: bool = False):
    """The file (or its thumbnail), or 404; only re-encoded pictures open in the browser."""
    thumbnail = thumbnail and bool(attachment.thumbnail_name)
    try:
        path = attachment_path(attachment, current_app.config["UPLOAD_FOLDER"], thumbnail)
    except UploadRefused:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="image/jpeg" if thumbnail else attachment.content_type,
        as_attachment=not attachment.is_picture,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
