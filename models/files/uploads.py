"""Files and pictures on a customer record: checked by content, re-encoded, never orphaned.

A file is accepted only for what its bytes are, never for what its name says. Pictures are
re-encoded with Pillow so that EXIF (GPS), trailing payloads and polyglot tricks do not survive;
documents of a few known kinds are kept byte-for-byte. Files are named by a random token in a
per-customer folder; the user's file name is kept in the database, for display only.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..core.errors import DomainError
from .entities import Attachment

MAX_IMAGE_PIXELS = 40_000_000  # beyond this, a picture is refused as a decompression bomb
THUMBNAIL_SIZE = (320, 320)
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# What each picture format is stored as: GIF keeps its first frame, as a PNG.
STORED_FORMAT = {
    "JPEG": ("JPEG", ".jpg"),
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
    "GIF": ("PNG", ".png"),
}
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
# Content types allowed for documents (detected from their bytes) and the extension stored.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/csv": ".csv",
    OOXML + "wordprocessingml.document": ".docx",
    OOXML + "spreadsheetml.sheet": ".xlsx",
    OOXML + "presentationml.presentation": ".pptx",
    ODF + "text": ".odt",
    ODF + "spreadsheet": ".ods",
    ODF + "presentation": ".odp",
}
OOXML_PARTS = {
    "word/": "wordprocessingml.document",
    "xl/": "spreadsheetml.sheet",
    "ppt/": "presentationml.presentation",
}
PICTURE_NAMES = re.compile(r"\.(jpe?g|jfif|png|webp|gif)$", re.IGNORECASE)
PICTURE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
# Text that a browser could run as a page or an image: refused even though it is valid UTF-8.
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|\?xml|object|embed)\b", re.I
)
NOT_ACCEPTED = (
    "That kind of file is not accepted: upload a picture (JPEG, PNG, WEBP, GIF) or a document "
    "(PDF, text, CSV, Word, Excel, PowerPoint, OpenDocument)."
)
MEGABYTE = 1024 * 1024
PENDING_FILES = "uploads_written"  # session.info: files of rows not yet committed
DOOMED_FILES = "uploads_deleted"  # session.info: files of deleted rows, removed on commit


class UploadRefused(DomainError):
    """The file was not stored; the message says why, for the user."""


def store_upload(
    session: Session,
    customer,
    stream: BinaryIO,
    filename: str,
    description: str,
    folder: str | Path,
    uploaded_by=None,
    max_bytes: int = 20 * MEGABYTE,
    work_address=None,
    work=None,
) -> Attachment:
    """Check, store and record one uploaded file; the caller commits or rolls back."""
    description = (description or "").strip()
    if not description:
        raise UploadRefused("Describe the file: a description is required.")
    if len(description) > 255:
        raise UploadRefused("The description is too long: keep it to 255 characters.")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        limit = f"{max(max_bytes / MEGABYTE, 0.01):.2f}".rstrip("0").rstrip(".")
        raise UploadRefused(f"That file is too big: the limit is {limit} MB.")
    if not data:
        raise UploadRefused("That file is empty.")

    picture = _picture(data, filename)
    if picture is not None:
        content_type, extension, body, thumbnail = picture
    else:
        content_type = _document_type(data, filename)
        extension, body, thumbnail = DOCUMENT_TYPES[content_type], data, None

    if customer.id is None:
        session.flush()  # the customer's id names its folder
    name = f"{customer.id}/{secrets.token_hex(16)}"
    attachment = Attachment(
        customer=customer,
        work_address=work_address,
        work=work,
        original_name=display_name(filename),
        stored_name=name + extension,
        thumbnail_name=name + "_thumb.jpg" if thumbnail is not None else None,
        content_type=content_type,
        size_bytes=len(body),
        description=description,
        is_picture=picture is not None,
        uploaded_by=uploaded_by,
    )
    written: list[Path] = []
    try:
        _write(attachment_path(attachment, folder), body, written)
        if thumbnail is not None:
            _write(attachment_path(attachment, folder, thumbnail=True), thumbnail, written)
        session.add(attachment)
        session.flush()
    except BaseException:
        _remove(written)
        raise
    # Tracked in session.info, not a once-listener: a listener left behind after a commit would
    # delete these committed files on the session's next, unrelated, rollback.
    session.info.setdefault(PENDING_FILES, []).append((attachment, written))
    return attachment


def delete_attachment(session: Session, attachment: Attachment, folder: str | Path) -> None:
    """Delete the row now and its files once the transaction commits: a rollback keeps both."""
    paths = [attachment_path(attachment, folder)]
    if attachment.thumbnail_name:
        paths.append(attachment_path(attachment, folder, thumbnail=True))
    session.delete(attachment)
    session.flush()
    _remove_on_commit(session, attachment, paths)


def delete_customer_folder(session: Session, customer, folder: str | Path) -> None:
    """Once the customer's delete commits, its folder goes with whatever it still holds (files
    an upload wrote before it was killed, short of its commit); files that a merge moved to
    another customer's rows stay. The customer's delete must have been flushed already."""
    root = Path(folder).resolve()
    own = root / str(customer.id)
    if not own.is_dir():
        return
    moved = session.execute(
        select(Attachment.stored_name, Attachment.thumbnail_name).where(
            Attachment.stored_name.startswith(f"{customer.id}/")
        )
    )
    kept = {(root / name).resolve() for names in moved for name in names if name}
    paths = [path for path in own.iterdir() if path not in kept]
    _remove_on_commit(session, customer, [*paths, own])


def _remove_on_commit(session: Session, row, paths: list[Path]) -> None:
    """`row`'s delete was flushed: `paths` go once it commits, and stay if it rolls back."""
    session.info.setdefault(DOOMED_FILES, []).append((row, paths))


def attachment_path(attachment: Attachment, folder: str | Path, thumbnail: bool = False) -> Path:
    """Where the file (or its thumbnail) lives; refuses a stored name that leaves the folder."""
    name = attachment.thumbnail_name if thumbnail else attachment.stored_name
    if not name:
        raise UploadRefused("This file has no thumbnail." if thumbnail else "This file is missing.")
    root = Path(folder).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path == root:
        raise UploadRefused("This file's stored name is not valid.")
    return path


def display_name(filename: str | None) -> str:
    """The user's file name, safe to show: base name only, no control characters."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C")).strip()
    return base[:255] if base not in ("", ".", "..") else "file"


def _picture(data: bytes, filename: str) -> tuple[str, str, bytes, bytes] | None:
    """A picture's stored content type, extension, re-encoded bytes and thumbnail; None if
    the bytes are no picture at all; a refusal if they are a picture that cannot be used."""
    looks_like_picture = data.startswith(PICTURE_MAGIC) or data[8:12] == b"WEBP"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            picture.load()
        stored_format, extension = STORED_FORMAT[picture.format]
        upright = ImageOps.exif_transpose(picture)  # the orientation tag goes with the EXIF
        body, thumbnail = _reencode(upright, stored_format), _thumbnail(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(
            f"That picture is too large: at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels."
        ) from None
    except Image.UnidentifiedImageError:
        if looks_like_picture or PICTURE_NAMES.search(filename or ""):
            raise UploadRefused(
                "That picture could not be read: it is not a JPEG, PNG, WEBP or GIF image."
            ) from None
        return None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise UploadRefused(
            "That picture could not be read: the file is damaged or incomplete."
        ) from None
    return IMAGE_FORMATS[stored_format], extension, body, thumbnail


def _reencode(picture: Image.Image, stored_format: str) -> bytes:
    """Pixels only: EXIF (GPS), XMP, comments and anything after the image data stay behind."""
    picture.info = {k: v for k, v in picture.info.items() if k in ("transparency", "icc_profile")}
    options = {"quality": 88} if stored_format in ("JPEG", "WEBP") else {"optimize": True}
    buffer = io.BytesIO()
    picture.save(buffer, stored_format, **options)
    return buffer.getvalue()


def _thumbnail(picture: Image.Image) -> bytes:
    """A small JPEG, transparency flattened on white."""
    if picture.has_transparency_data:
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = picture.convert("RGB")
    flat.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _document_type(data: bytes, filename: str) -> str:
    """The content type of an accepted document, from its bytes; refuses anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    if b"\0" not in data and not MARKUP.search(data):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRefused(NOT_ACCEPTED) from None
        # The name only chooses between two equally harmless labels for text.
        return "text/csv" if (filename or "").lower().endswith(".csv") else "text/plain"
    raise UploadRefused(NOT_ACCEPTED)


def _office_type(data: bytes) -> str:
    """Office Open XML or OpenDocument, from the member list: nothing is decompressed but the
    few bytes of an OpenDocument's `mimetype`, so a zip bomb costs nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UploadRefused("Office files with macros are not accepted.")
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return OOXML + kind
            elif "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                if declared.startswith(ODF) and declared in DOCUMENT_TYPES:
                    return declared
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        pass
    raise UploadRefused(NOT_ACCEPTED)


def _write(path: Path, content: bytes, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as file:  # "x": a generated name never overwrites another file
        written.append(path)
        file.write(content)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            with contextlib.suppress(OSError):  # a folder goes once it is empty
                path.rmdir()
        else:
            path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_or_remove_on_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the outer transaction may still roll back
    session.info.pop(PENDING_FILES, None)
    for _row, paths in session.info.pop(DOOMED_FILES, []):
        _remove(paths)


@event.listens_for(Session, "after_transaction_end")
def _tidy_after_rollback(session: Session, transaction) -> None:
    """Rolled back or closed without a commit: new files go, files of deleted rows stay."""
    if not session.info.get(PENDING_FILES) and not session.info.get(DOOMED_FILES):
        return
    whole = transaction.parent is None  # a commit would have emptied both lists already
    pending, doomed = session.info.pop(PENDING_FILES, []), session.info.pop(DOOMED_FILES, [])
    # When a savepoint (or a flush) rolls back, its inserts turn transient, its deletes persistent.
    for attachment, paths in pending:
        if whole or inspect(attachment).transient:
            _remove(paths)
        else:
            session.info.setdefault(PENDING_FILES, []).append((attachment, paths))
    if not whole:
        session.info[DOOMED_FILES] = [entry for entry in doomed if not inspect(entry[0]).persistent]
