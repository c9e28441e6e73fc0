"""Invoices and credit notes emailed from their page with their PDF (seed 004), the consolidated
invoice's "email it to the customer" tick, and statements sent with the open invoices' PDFs:
through a real SMTP server started here, or kept in the outbox when none is set up."""

# ruff: noqa: F811 (the mail server fixtures are imported, as tests.browser's are)
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Communication, OutboxAttachment, OutboxMessage, OutboxStatus
from models.files import mail
from models.money.invoicing import void_invoice
from tests.factories import make_customer, make_work
from tests.files.test_mail import email_statement, mail_app, smtp_server  # noqa: F401
from tests.money.test_consolidated_invoice import form as consolidated_form
from tests.money.test_statements import AS_OF, credit, invoice, mixed_account


@pytest.fixture
def customer(app):
    return make_customer(email="ada@lovelace.example.com")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def email_url(document) -> str:
    kind = "invoice" if document.__tablename__ == "invoice" else "creditnote"
    return f"/admin/{kind}/{document.id}/email/"


def send(client, document, **fields):
    page = email_url(document)
    return client.post(
        page,
        data={
            "recipient": "accounts@lovelace.example.com",
            "subject": "Your invoice",
            "body": "Attached.",
            **client.csrf(),
            **fields,
        },
        follow_redirects=True,
    )


def details(client, document) -> str:
    kind = "invoice" if document.__tablename__ == "invoice" else "creditnote"
    return client.get(f"/admin/{kind}/details/?id={document.id}").get_data(as_text=True)


# Invoices


def test_an_invoice_is_emailed_with_its_pdf_and_noted_on_the_record(client_as, customer, mail_app):
    issued = invoice(customer, "120.00", date(2026, 3, 1))
    client = client_as("office")
    assert email_url(issued) in details(client, issued)  # the Email button

    form = client.get(email_url(issued)).get_data(as_text=True)
    assert 'value="ada@lovelace.example.com"' in form and f"invoice-{issued.number}.pdf" in form
    response = send(client, issued, recipient="accounts@lovelace.example.com, ada@example.com")

    page = response.get_data(as_text=True)
    assert f"Invoice {issued.number} emailed to accounts@lovelace.example.com" in page
    [received] = mail_app.received
    assert received["To"] == "accounts@lovelace.example.com, ada@example.com"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"invoice-{issued.number}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    note = db.session.scalar(select(Communication))
    assert note.kind == "email" and note.customer_id == customer.id
    assert note.subject == f"Invoice {issued.number}"
    assert note.body.startswith(f"Invoice {issued.number} emailed to accounts@")


def test_without_a_mail_server_the_invoice_waits_in_the_outbox(client_as, customer):
    issued = invoice(customer, "120.00", date(2026, 3, 1))
    response = send(client_as("office"), issued)
    assert f"No mail server is set up, so invoice {issued.number} was not sent" in (
        response.get_data(as_text=True)
    )
    queued = db.session.scalar(select(OutboxMessage))
    assert queued.status == OutboxStatus.queued and queued.customer_id == customer.id
    assert queued.attachment_name == f"invoice-{issued.number}.pdf"
    listing = client_as("admin").get("/admin/outboxmessage/").get_data(as_text=True)
    assert f"invoice-{issued.number}.pdf" in listing
    assert "queued for accounts@lovelace.example.com" in db.session.scalar(
        select(Communication.body)
    )


def test_a_draft_invoice_cannot_be_emailed(client_as, customer, mail_app):
    draft = invoice(customer, "70.00", date(2026, 3, 1), issue=False)
    client = client_as("office")
    assert email_url(draft) not in details(client, draft)
    response = send(client, draft)
    assert "A draft invoice has no number yet: issue it before emailing it." in (
        response.get_data(as_text=True)
    )
    assert count(OutboxMessage) == count(Communication) == 0 and mail_app.received == []


def test_a_void_invoice_can_still_be_emailed(client_as, customer, mail_app):
    voided = invoice(customer, "70.00", date(2026, 3, 1))
    void_invoice(db.session, voided, "Raised twice", on=date(2026, 3, 2))
    db.session.commit()
    form = client_as("office").get(email_url(voided)).get_data(as_text=True)
    assert "has been cancelled (void)" in form
    send(client_as("office"), voided)
    assert len(mail_app.received) == 1


@pytest.mark.parametrize(
    "recipient, why",
    [
        ("not an address", "Not a valid email address"),
        ("ada@example.com\r\nBcc: everyone@example.com", "Put the addresses on one line"),
        ("ada@example.com, nonsense", "nonsense: Not a valid email address"),
        (", ".join(f"p{n}@example.com" for n in range(11)), "at most 10 addresses"),
        ("", "Enter the email address to send it to."),
    ],
)
def test_a_bad_recipient_is_refused_beside_its_field(client_as, customer, mail_app, recipient, why):
    issued = invoice(customer, "120.00", date(2026, 3, 1))
    client = client_as("office")
    page = email_url(issued)
    response = client.post(
        page,
        data={"recipient": recipient, "subject": "S", "body": "B", **client.csrf(page)},
    )
    assert response.status_code == 400
    assert 'id="recipient-error"' in (html := response.get_data(as_text=True)) and why in html
    assert count(OutboxMessage) == count(Communication) == 0 and mail_app.received == []


def test_read_only_users_see_no_email_button_and_are_refused(client_as, customer, mail_app):
    issued = invoice(customer, "120.00", date(2026, 3, 1))
    client = client_as("read_only")
    assert "PDF Print" in (page := details(client, issued)) and email_url(issued) not in page
    assert client.get(email_url(issued)).status_code == 403
    response = client.post(email_url(issued), data={"recipient": "a@example.com", **client.csrf()})
    assert response.status_code == 403
    assert count(OutboxMessage) == 0


def test_a_forged_email_form_is_refused(client_as, customer, mail_app):
    issued = invoice(customer, "120.00", date(2026, 3, 1))
    response = send(client_as("office"), issued, csrf_token="forged")
    assert "This form has expired or did not come from this site" in response.get_data(as_text=True)
    assert count(OutboxMessage) == 0 and mail_app.received == []


def test_an_unknown_invoice_or_credit_note_is_not_found(client_as, customer):
    client = client_as("office")
    assert client.get("/admin/invoice/999999/email/").status_code == 404
    assert client.get("/admin/creditnote/999999/email/").status_code == 404


# Credit notes


def test_a_credit_note_is_emailed_with_its_pdf(client_as, customer, mail_app):
    note = credit(customer, "25.00", date(2026, 3, 10))
    client = client_as("office")
    assert email_url(note) in details(client, note)
    form = client.get(email_url(note)).get_data(as_text=True)
    assert f"credit note {note.number} for £25.00" in form
    response = send(client, note, subject=f"Credit note {note.number}")

    assert f"Credit note {note.number} emailed to" in response.get_data(as_text=True)
    [received] = mail_app.received
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"credit-note-{note.number}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    assert db.session.scalar(select(Communication.subject)) == f"Credit note {note.number}"


def test_without_a_mail_server_the_credit_note_is_queued(client_as, customer):
    note = credit(customer, "25.00", date(2026, 3, 10))
    send(client_as("office"), note)
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.queued
    assert count(Communication) == 1


def test_read_only_users_cannot_email_a_credit_note(client_as, customer):
    note = credit(customer, "25.00", date(2026, 3, 10))
    client = client_as("read_only")
    assert email_url(note) not in details(client, note)
    assert client.get(email_url(note)).status_code == 403


# The consolidated invoice's tick


def consolidated(client, customer, works, **fields):
    page = f"/admin/invoice/consolidated/{customer.id}/"
    data = {**consolidated_form(*works, **fields), **client.csrf(page)}
    return client.post(page, data=data, follow_redirects=True)


def test_the_tick_shows_only_when_the_customer_has_an_email(client_as, customer):
    client = client_as("office")
    page = client.get(f"/admin/invoice/consolidated/{customer.id}/").get_data(as_text=True)
    assert "Email it to the customer" in page and "goes to ada@lovelace.example.com" in page
    no_email = make_customer(email=None, surname="Babbage")
    page = client.get(f"/admin/invoice/consolidated/{no_email.id}/").get_data(as_text=True)
    assert "Add consolidated invoice" in page and "Email it to the customer" not in page


def test_ticked_the_issued_consolidated_invoice_is_emailed(client_as, customer, mail_app):
    works = [make_work(customer, final_amount=Decimal("95.00")) for _ in range(2)]
    response = consolidated(client_as("office"), customer, works, email_customer="y")
    made = db.session.scalar(select(OutboxMessage))
    page = response.get_data(as_text=True)
    assert "Consolidated invoice" in page and "emailed to ada@lovelace.example.com" in page
    [received] = mail_app.received
    assert received["To"] == "ada@lovelace.example.com"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename().startswith("invoice-INV")
    assert made.status == OutboxStatus.sent
    assert db.session.scalar(select(Communication.kind)) == "email"


def test_unticked_or_a_draft_nothing_is_emailed(client_as, customer, mail_app):
    works = [make_work(customer, final_amount=Decimal("95.00")) for _ in range(2)]
    consolidated(client_as("office"), customer, works[:1])
    response = consolidated(
        client_as("office"), customer, works[1:], email_customer="y", save="draft"
    )
    assert "A draft is not emailed" in response.get_data(as_text=True)
    assert count(OutboxMessage) == 0 and mail_app.received == []


# Statements with the invoices' PDFs


def test_a_statement_can_carry_the_open_invoices_pdfs(client_as, mail_app):
    account = mixed_account()
    client = client_as("office")
    page = client.get(f"/admin/statement/{account.customer.id}/?as_of={AS_OF}")
    assert "Attach the open invoices&#39; PDFs" in page.get_data(as_text=True)
    email_statement(client, account.customer, attach_invoices="y")

    [received] = mail_app.received
    names = [part.get_filename() for part in received.iter_attachments()]
    open_ones = sorted(
        i.number for i in (account.current, account.recent, account.older, account.oldest)
    )
    assert names == [f"statement-{account.customer.account_number}-{AS_OF}.pdf"] + [
        f"invoice-{number}.pdf" for number in open_ones
    ]
    kept = db.session.scalar(select(OutboxMessage))
    assert [name for name, _ in kept.attachments] == names
    assert count(OutboxAttachment) == 4

    admin = client_as("admin")
    listing = admin.get("/admin/outboxmessage/").get_data(as_text=True)
    assert all(name in listing for name in names)
    extra = db.session.scalar(select(OutboxAttachment).order_by(OutboxAttachment.position))
    download = admin.get(f"/admin/outboxmessage/attachment/more/{extra.id}")
    assert download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"] == f'attachment; filename="{names[1]}"'


def test_unticked_the_statement_goes_alone(client_as, mail_app):
    account = mixed_account()
    email_statement(client_as("office"), account.customer)
    [received] = mail_app.received
    assert len(list(received.iter_attachments())) == 1


def test_attachments_past_the_limit_are_refused_and_nothing_is_sent(
    client_as, mail_app, monkeypatch
):
    account = mixed_account()
    monkeypatch.setattr(mail, "ATTACHMENT_LIMIT", 8 * 1024)  # a few PDFs, not 16 MB of them
    response = email_statement(client_as("office"), account.customer, attach_invoices="y")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "email attachments are limited to 8 KB in total. Nothing was sent." in page
    assert count(OutboxMessage) == count(OutboxAttachment) == count(Communication) == 0
    assert mail_app.received == []
