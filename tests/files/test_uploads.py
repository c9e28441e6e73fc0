"""Uploads: what is accepted, what is stored, and that no file outlives its row (or vice versa)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from flask import current_app
from PIL import ExifTags, Image
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Attachment, User
from models.files.uploads import (
    NOT_ACCEPTED,
    UploadRefused,
    attachment_path,
    delete_attachment,
    display_name,
    store_upload,
)
from tests.factories import make_customer

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OOXML_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def customer(app):
    return make_customer()


@pytest.fixture
def folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def upload(customer, data: bytes, filename: str, description: str = "Boiler photo", **options):
    folder = current_app.config["UPLOAD_FOLDER"]
    return store_upload(
        db.session, customer, io.BytesIO(data), filename, description, folder, **options
    )


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def attachment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def assert_nothing_stored(folder: Path) -> None:
    assert attachment_count() == 0
    assert stored_files(folder) == []


def picture(fmt: str, size=(800, 600), mode: str = "RGB", **save) -> bytes:
    image = Image.new(mode, size, "orange")
    image.paste("navy", (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims width × height one-bit pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/"/>',
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document/>",
        }
    )


def odt() -> bytes:
    return zipped(
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"}
    )


def test_a_picture_is_stored_re_encoded_with_a_thumbnail(customer, folder, users):
    original = picture("JPEG", quality=100)
    attachment = upload(customer, original, "boiler.jpg", uploaded_by=users["office"])
    db.session.commit()

    stored = attachment_path(attachment, folder)
    assert stored.parent == (folder / str(customer.id)).resolve()
    assert stored.read_bytes() != original
    assert Image.open(stored).format == "JPEG"
    thumbnail = Image.open(attachment_path(attachment, folder, thumbnail=True))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (320, 240))
    row = db.session.get(Attachment, attachment.id)
    assert row.original_name == "boiler.jpg"
    assert row.content_type == "image/jpeg"
    assert row.size_bytes == stored.stat().st_size
    assert row.description == "Boiler photo"
    assert row.is_picture
    assert row.uploaded_by == users["office"]
    assert row.customer == customer


def test_a_transparent_gif_is_stored_as_a_png_with_a_white_thumbnail(customer, folder):
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (80, 80, 120, 120))
    gif = io.BytesIO()
    logo.save(gif, "GIF")
    attachment = upload(customer, gif.getvalue(), "logo.gif")

    assert attachment.content_type == "image/png"
    assert attachment.stored_name.endswith(".png")
    assert Image.open(attachment_path(attachment, folder)).format == "PNG"
    thumbnail = Image.open(attachment_path(attachment, folder, thumbnail=True))
    assert min(thumbnail.convert("RGB").getpixel((0, 0))) >= 250  # white, give or take JPEG


def test_gps_and_other_exif_are_stripped_from_a_photo(customer, folder):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 28.0, 40.0),
    }
    original = picture("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    attachment = upload(customer, original, "site.jpg")

    stored = attachment_path(attachment, folder)
    assert not Image.open(stored).getexif()
    assert b"Exif" not in stored.read_bytes()


def test_a_photo_taken_sideways_is_stored_upright(customer, folder):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned a quarter to the right
    attachment = upload(customer, picture("JPEG", size=(80, 40), exif=exif.tobytes()), "a.jpg")

    assert Image.open(attachment_path(attachment, folder)).size == (40, 80)


def test_bytes_hidden_after_a_png_are_dropped(customer, folder):
    payload = b"<?php system($_GET['c']); ?>"
    attachment = upload(customer, picture("PNG", size=(50, 50)) + payload, "diagram.png")

    stored = attachment_path(attachment, folder).read_bytes()
    assert payload not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize(
    "width, height",
    [(7000, 7000), (10000, 10000), (20000, 20000)],
    ids=["over our limit", "over Pillow's warning", "over Pillow's error"],
)
def test_a_decompression_bomb_is_refused_and_nothing_is_stored(customer, folder, width, height):
    with pytest.raises(UploadRefused, match="That picture is too large: at most 40 megapixels"):
        upload(customer, png_claiming(width, height), "huge.png")

    assert_nothing_stored(folder)


@pytest.mark.parametrize(
    "data",
    [b"just some words, not a picture", picture("JPEG")[:2000], picture("PNG")[:60]],
    ids=["text", "truncated jpeg", "truncated png"],
)
def test_a_file_named_jpg_that_is_not_a_picture_is_refused(customer, folder, data):
    with pytest.raises(UploadRefused, match="That picture could not be read"):
        upload(customer, data, "photo.jpg")

    assert_nothing_stored(folder)


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", b"\x7fELF\x02\x01\x01\x00" * 4],
    ids=["windows", "linux"],
)
def test_an_executable_named_pdf_is_refused(customer, folder, data):
    with pytest.raises(UploadRefused) as refusal:
        upload(customer, data, "invoice.pdf")

    assert str(refusal.value) == NOT_ACCEPTED
    assert_nothing_stored(folder)


@pytest.mark.parametrize(
    "filename, data",
    [
        ("page.html", b"<!DOCTYPE html><html><body>Pay here</body></html>"),
        ("notes.txt", b"Hello\n<script>fetch('/admin/')</script>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
    ids=["html", "script in text", "svg", "svg with xml declaration"],
)
def test_html_and_svg_are_refused(customer, folder, filename, data):
    with pytest.raises(UploadRefused, match="That kind of file is not accepted"):
        upload(customer, data, filename)

    assert_nothing_stored(folder)


@pytest.mark.parametrize(
    "filename, data",
    [
        ("archive.zip", zipped({"readme.txt": "hi"})),
        ("macros.docx", zipped({"[Content_Types].xml": "<Types/>", "word/vbaProject.bin": "x"})),
        ("utf16.txt", "Hello".encode("utf-16")),
    ],
    ids=["plain zip", "office macros", "not utf-8"],
)
def test_other_archives_and_encodings_are_refused(customer, folder, filename, data):
    with pytest.raises(UploadRefused):
        upload(customer, data, filename)

    assert_nothing_stored(folder)


@pytest.mark.parametrize(
    "filename, data, content_type, extension",
    [
        ("quote.pdf", PDF, "application/pdf", ".pdf"),
        ("export.csv", b"name,amount\nAda,10.00\n", "text/csv", ".csv"),
        ("notes", "Caf\u00e9 closed on Mondays\n".encode(), "text/plain", ".txt"),
        ("report.docx", docx(), OOXML_WORD, ".docx"),
        ("minutes.odt", odt(), "application/vnd.oasis.opendocument.text", ".odt"),
        ("disguised.exe", PDF, "application/pdf", ".pdf"),
    ],
    ids=["pdf", "csv", "text", "docx", "odt", "pdf named exe"],
)
def test_documents_are_stored_byte_for_byte(
    customer, folder, filename, data, content_type, extension
):
    attachment = upload(customer, data, filename, description="Signed quote")

    assert attachment.content_type == content_type
    assert attachment.stored_name.endswith(extension)
    assert attachment_path(attachment, folder).read_bytes() == data
    assert attachment.size_bytes == len(data)
    assert not attachment.is_picture
    assert attachment.thumbnail_name is None
    assert attachment.original_name == filename


@pytest.mark.parametrize("description", ["", "   ", None])
def test_a_description_is_required(customer, folder, description):
    with pytest.raises(UploadRefused, match="Describe the file: a description is required."):
        upload(customer, PDF, "quote.pdf", description=description)

    assert_nothing_stored(folder)


def test_a_file_over_the_limit_is_refused(customer, folder):
    with pytest.raises(UploadRefused, match="the limit is 0.5 MB"):
        upload(customer, PDF + b" " * (512 * 1024), "big.pdf", max_bytes=512 * 1024)

    assert_nothing_stored(folder)


def test_an_empty_file_is_refused(customer, folder):
    with pytest.raises(UploadRefused, match="That file is empty."):
        upload(customer, b"", "empty.pdf")

    assert_nothing_stored(folder)


@pytest.mark.parametrize("filename", ["../../etc/passwd", "..\\..\\windows\\passwd"])
def test_a_path_in_the_file_name_goes_no_further_than_the_name(customer, folder, filename):
    attachment = upload(customer, b"root:x:0:0\n", filename)

    assert attachment.original_name == "passwd"
    (path,) = stored_files(folder)
    assert path.parent == folder / str(customer.id)
    assert path.name != "passwd" and len(path.stem) == 32
    assert not (folder.parent / "etc").exists()


@pytest.mark.parametrize(
    "filename, shown",
    [
        ("C:\\Users\\ada\\photo.jpg", "photo.jpg"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("line\nbreak\x00.txt", "linebreak.txt"),
        ("..", "file"),
        ("", "file"),
        ("a" * 300 + ".pdf", "a" * 255),
    ],
)
def test_the_original_name_is_kept_only_for_display(filename, shown):
    assert display_name(filename) == shown


def test_a_rollback_after_storing_leaves_no_file(customer, folder):
    upload(customer, picture("JPEG"), "a.jpg")
    assert len(stored_files(folder)) == 2

    db.session.rollback()

    assert_nothing_stored(folder)


def test_a_commit_keeps_the_files_through_later_rollbacks(customer, folder):
    upload(customer, picture("JPEG"), "a.jpg")
    db.session.commit()

    db.session.rollback()  # a later, unrelated failure on the same session
    db.session.close()

    assert attachment_count() == 1
    assert len(stored_files(folder)) == 2


def test_closing_the_session_without_a_commit_leaves_no_file(customer, folder):
    upload(customer, PDF, "quote.pdf")

    db.session.close()

    assert_nothing_stored(folder)


def test_a_failed_insert_leaves_no_file_behind(customer, folder):
    with pytest.raises(IntegrityError):
        upload(customer, PDF, "quote.pdf", uploaded_by=User())  # no email: the insert fails
    db.session.rollback()

    assert_nothing_stored(folder)


def test_a_rolled_back_savepoint_removes_only_its_own_uploads(customer, folder):
    kept = upload(customer, PDF, "kept.pdf")
    savepoint = db.session.begin_nested()
    upload(customer, picture("PNG"), "dropped.png")
    savepoint.rollback()
    db.session.commit()

    assert stored_files(folder) == [attachment_path(kept, folder)]
    assert attachment_count() == 1


def test_a_released_savepoint_is_still_undone_by_the_outer_rollback(customer, folder):
    upload(customer, PDF, "first.pdf")
    with db.session.begin_nested():
        upload(customer, PDF, "second.pdf")
    assert len(stored_files(folder)) == 2

    db.session.rollback()

    assert_nothing_stored(folder)


def test_deleting_an_attachment_removes_its_files_only_when_the_delete_commits(customer, folder):
    attachment = upload(customer, picture("JPEG"), "a.jpg")
    db.session.commit()

    delete_attachment(db.session, attachment, folder)
    assert len(stored_files(folder)) == 2
    db.session.commit()

    assert_nothing_stored(folder)


def test_a_rolled_back_delete_keeps_the_row_and_its_files(customer, folder):
    attachment = upload(customer, picture("JPEG"), "a.jpg")
    db.session.commit()

    delete_attachment(db.session, attachment, folder)
    db.session.rollback()
    db.session.commit()  # nothing left to do: the files stay

    assert attachment_count() == 1
    assert len(stored_files(folder)) == 2


@pytest.mark.parametrize("stored_name", ["../../x", "/etc/passwd", "1/../../x", "."])
def test_a_stored_name_outside_the_folder_is_refused(folder, stored_name):
    attachment = Attachment(stored_name=stored_name)

    with pytest.raises(UploadRefused, match="stored name is not valid"):
        attachment_path(attachment, folder)
