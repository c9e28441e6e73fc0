"""Files and pictures on the record page: upload, list, fetch, delete; refusals store nothing."""

import io
import os

import pytest
from PIL import Image
from sqlalchemy import func, select

from extensions import db
from models import Attachment
from tests.factories import make_customer


def jpeg_bytes(size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(client, customer, content: bytes, name: str, description="Front of the house"):
    return client.post(
        f"/admin/customer/{customer.id}/files/",
        data={"file": (io.BytesIO(content), name), "description": description, **client.csrf()},
        content_type="multipart/form-data",
    )


def stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_FOLDER"]
    return [name for _, _, names in os.walk(folder) for name in names]


@pytest.fixture
def customer(app):
    return make_customer()


def test_an_uploaded_picture_shows_as_a_thumbnail_opening_the_full_image(app, client_as, customer):
    client = client_as("office")
    response = upload(client, customer, jpeg_bytes(), "house.jpg")
    assert response.headers["Location"].endswith("#pictures")
    picture = db.session.scalar(select(Attachment))
    assert (picture.original_name, picture.is_picture, picture.description) == (
        "house.jpg",
        True,
        "Front of the house",
    )
    html = client.record(customer.id)
    full = f"/admin/customer/{customer.id}/files/{picture.id}/"
    assert f'src="{full}?thumbnail=1"' in html and f'href="{full}"' in html
    thumbnail = client.get(f"{full}?thumbnail=1")
    assert thumbnail.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) <= 320
    image = client.get(full)
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"].startswith("inline")


def test_a_document_is_listed_and_downloads_as_an_attachment(client_as, customer):
    client = client_as("office")
    upload(
        client,
        customer,
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
        "quote.pdf",
        "Signed quote",
    )
    document = db.session.scalar(select(Attachment))
    assert document.is_picture is False
    html = client.record(customer.id)
    assert "quote.pdf" in html and "Signed quote" in html
    download = client.get(f"/admin/customer/{customer.id}/files/{document.id}/")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "quote.pdf" in download.headers["Content-Disposition"]
    assert download.data.startswith(b"%PDF-1.4")


def test_an_upload_without_a_description_is_refused_in_the_modal(app, client_as, customer):
    response = upload(client_as("office"), customer, jpeg_bytes(), "house.jpg", description="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Describe the file: a description is required." in html
    assert "$('#upload').modal('show')" in html
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(app) == []


def test_a_program_disguised_as_a_pdf_is_refused_and_nothing_stored(app, client_as, customer):
    response = upload(client_as("office"), customer, b"MZ\x90\x00" + b"\x00" * 200, "invoice.pdf")
    assert response.status_code == 400
    assert "That kind of file is not accepted" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(app) == []


def test_a_file_above_the_size_limit_is_refused(app, client_as, customer):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = upload(client_as("office"), customer, b"a" * 1_100_000, "big.txt")
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(app) == []


def test_files_are_only_served_to_logged_in_users_through_their_customer(
    app, client_as, anonymous, customer
):
    client = client_as("office")
    upload(client, customer, jpeg_bytes(), "house.jpg")
    picture = db.session.scalar(select(Attachment))
    other = make_customer(surname="Other", postcode="O1 1AA")
    assert client.get(f"/admin/customer/{other.id}/files/{picture.id}/").status_code == 404
    anonymous_response = anonymous.get(f"/admin/customer/{customer.id}/files/{picture.id}/")
    assert anonymous_response.headers["Location"].startswith("/login")


def test_deleting_a_picture_removes_its_files(app, client_as, customer):
    client = client_as("office")
    upload(client, customer, jpeg_bytes(), "house.jpg")
    picture = db.session.scalar(select(Attachment))
    assert len(stored_files(app)) == 2  # the picture and its thumbnail
    client.post(
        f"/admin/customer/{customer.id}/attachment/{picture.id}/delete/",
        data={"confirm": "delete", **client.csrf()},
    )
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(app) == []


def set_logo_via_page(client, customer, content: bytes, name: str):
    return client.post(
        f"/admin/customer/{customer.id}/logo/",
        data={"logo": (io.BytesIO(content), name), **client.csrf()},
        content_type="multipart/form-data",
    )


def test_a_logo_is_shown_on_the_record_and_kept_with_the_pictures(client_as, customer):
    client = client_as("office")
    response = set_logo_via_page(client, customer, jpeg_bytes(), "logo.jpg")
    assert "Logo saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.record(customer.id)
    assert f'src="/admin/customer/{customer.id}/logo/"' in html
    logo = client.get(f"/admin/customer/{customer.id}/logo/")
    assert logo.mimetype == "image/jpeg" and max(Image.open(io.BytesIO(logo.data)).size) <= 320
    assert db.session.scalar(select(Attachment.description)) == "Logo"


def test_a_logo_must_be_a_picture_and_nothing_is_kept_otherwise(app, client_as, customer):
    client = client_as("office")
    response = set_logo_via_page(client, customer, b"%PDF-1.4\n%%EOF\n", "logo.pdf")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A logo must be a picture" in shown
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(app) == []
    assert client.get(f"/admin/customer/{customer.id}/logo/").status_code == 404
