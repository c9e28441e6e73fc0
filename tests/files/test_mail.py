"""Email: statements sent through a real SMTP server (aiosmtpd, on a free local port), queued
when no server is set up, failed with the reason when it refuses or cannot be reached."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import func, select

from extensions import db
from models import Communication, OutboxMessage, OutboxStatus, ValidationFailed
from models.files.mail import ATTACHMENT_LIMIT, SmtpSettings, send_or_queue
from tests.factories import make_customer
from tests.money.test_statements import AS_OF, mixed_account

FROM = "accounts@acme.example.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it is sent; refuses recipients at refused.example.com."""

    def __init__(self):
        self.received: list = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example.com"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def __call__(self, server, session, envelope, mechanism, auth_data):  # the authenticator
        self.logins.append((auth_data.login, auth_data.password))
        # handled=False: the server itself answers a failure with 535.
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox, auth_require_tls=False
    )
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(app, smtp_server):
    inbox, port = smtp_server
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_STARTTLS=False,
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
        MAIL_FROM=FROM,
    )
    return inbox


def message(**fields) -> OutboxMessage:
    return OutboxMessage(
        **{
            "recipient": "ada@example.com",
            "subject": "Your statement",
            "body": "Attached.",
            "attachment_name": "statement.pdf",
            "attachment": b"%PDF-1.3 test",
            **fields,
        }
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The domain: send_or_queue


def test_a_message_is_sent_with_its_attachment_and_marked_sent(app, smtp_server):
    inbox, port = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender=FROM, starttls=False)
    sent = send_or_queue(db.session, message(), smtp)
    db.session.commit()

    assert sent.status == OutboxStatus.sent and sent.sent_at is not None and sent.error is None
    [received] = inbox.received
    assert received["To"] == "ada@example.com" and received["From"] == FROM
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "statement.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.3 test"


def test_the_login_is_used_when_configured(app, smtp_server):
    inbox, port = smtp_server
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=port,
        sender=FROM,
        starttls=False,
        username="accounts",
        password="s3cret",
    )
    assert send_or_queue(db.session, message(), smtp).status == OutboxStatus.sent
    assert inbox.logins == [(b"accounts", b"s3cret")]

    wrong = SmtpSettings(**{**smtp.__dict__, "password": "guess"})
    refused = send_or_queue(db.session, message(), wrong)
    assert refused.status == OutboxStatus.failed
    assert "refused the login" in refused.error


def test_without_a_mail_server_the_message_is_queued(app):
    queued = send_or_queue(db.session, message(), None)
    db.session.commit()
    assert queued.status == OutboxStatus.queued and queued.sent_at is None
    assert count(OutboxMessage) == 1
    assert SmtpSettings.from_config({"SMTP_HOST": ""}) is None


def test_an_unreachable_server_fails_the_message_with_the_reason(app):
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), sender=FROM, starttls=False)
    failed = send_or_queue(db.session, message(), smtp)
    assert failed.status == OutboxStatus.failed
    assert failed.error.startswith(f"Could not reach the mail server at 127.0.0.1:{smtp.port}")


def test_a_refused_recipient_fails_the_message_with_the_servers_words(app, smtp_server):
    inbox, port = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender=FROM, starttls=False)
    failed = send_or_queue(db.session, message(recipient="nobody@refused.example.com"), smtp)
    assert failed.status == OutboxStatus.failed
    assert "550 5.1.1 No such mailbox here" in failed.error
    assert inbox.received == []


def test_attachments_over_16_mb_are_refused_and_nothing_is_kept(app):
    with pytest.raises(ValidationFailed) as refused:
        send_or_queue(db.session, message(attachment=b"x" * (ATTACHMENT_LIMIT + 1)), None)
    assert "limited to 16 MB in total" in refused.value.errors["attachment"]
    db.session.rollback()
    assert count(OutboxMessage) == 0


# The statement page's Email button


def email_statement(client, customer, **fields):
    page = f"/admin/statement/{customer.id}/?as_of={AS_OF}"
    return client.post(
        f"/admin/statement/{customer.id}/email",
        data={
            "as_of": AS_OF.isoformat(),
            "grouped": "0",
            "recipient": "accounts@lovelace.example.com",
            "subject": "Statement of account as of 31 March 2026",
            "body": "Please find it attached.",
            **client.csrf(page),
            **fields,
        },
        follow_redirects=True,
    )


def test_emailing_a_statement_sends_the_pdf_and_notes_it_on_the_record(client_as, mail_app):
    customer = mixed_account().customer
    response = email_statement(client_as("office"), customer)

    assert "Statement emailed to accounts@lovelace.example.com." in response.get_data(as_text=True)
    [received] = mail_app.received
    assert received["Subject"] == "Statement of account as of 31 March 2026"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"statement-{customer.account_number}-2026-03-31.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    sent = db.session.scalar(select(OutboxMessage))
    assert sent.status == OutboxStatus.sent and sent.customer_id == customer.id
    note = db.session.scalar(select(Communication))
    assert note.kind == "email" and note.customer_id == customer.id
    assert note.body == "Statement as of 31 Mar 2026 emailed to accounts@lovelace.example.com."


def test_with_no_mail_server_the_statement_is_queued_and_the_user_told(client_as):
    customer = mixed_account().customer
    response = email_statement(client_as("office"), customer)
    page = response.get_data(as_text=True)
    assert "No mail server is set up, so the statement was not sent" in page
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.queued
    assert "queued for accounts@lovelace.example.com" in db.session.scalar(
        select(Communication.body)
    )


def test_when_sending_fails_the_user_is_told_why(client_as, app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    customer = mixed_account().customer
    response = email_statement(client_as("office"), customer)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (
        "The statement could not be sent to accounts@lovelace.example.com: Could not reach" in page
    )
    failed = db.session.scalar(select(OutboxMessage))
    assert failed.status == OutboxStatus.failed and "Could not reach" in failed.error
    assert "could not be emailed" in db.session.scalar(select(Communication.body))


def test_a_bad_recipient_is_refused_and_nothing_is_written(client_as, mail_app):
    customer = mixed_account().customer
    response = email_statement(client_as("office"), customer, recipient="not an address")
    assert response.status_code == 400
    assert "Not a valid email address" in response.get_data(as_text=True)
    assert count(OutboxMessage) == count(Communication) == 0
    assert mail_app.received == []


def test_read_only_users_may_view_but_not_email_a_statement(client_as, mail_app):
    customer = mixed_account().customer
    client = client_as("read_only")
    page = client.get(f"/admin/statement/{customer.id}/?as_of={AS_OF}").get_data(as_text=True)
    assert "Balance" in page and "needs an office or admin login" in page
    assert email_statement(client, customer).status_code == 403
    assert count(OutboxMessage) == count(Communication) == 0


def test_a_forged_form_is_refused(client_as, mail_app):
    customer = mixed_account().customer
    response = email_statement(client_as("office"), customer, csrf_token="forged")
    assert response.status_code == 400
    assert "This form has expired or did not come from this site" in response.get_data(as_text=True)
    assert count(OutboxMessage) == 0 and mail_app.received == []


# Admin > Outbox


def test_the_outbox_lists_messages_without_their_bytes(client_as, app):
    customer = make_customer()
    send_or_queue(db.session, message(customer=customer, attachment=b"%PDF-secret-bytes"), None)
    db.session.commit()
    client = client_as("admin")
    listing = client.get("/admin/outboxmessage/").get_data(as_text=True)
    assert "Your statement" in listing and "queued" in listing
    assert "secret-bytes" not in listing
    filtered = client.get("/admin/outboxmessage/?flt1_0=sent").get_data(as_text=True)
    assert "Your statement" not in filtered
    sent_id = db.session.scalar(select(OutboxMessage.id))
    download = client.get(f"/admin/outboxmessage/attachment/{sent_id}")
    assert download.data == b"%PDF-secret-bytes"
    assert download.headers["Content-Disposition"] == 'attachment; filename="statement.pdf"'


def test_send_now_sends_queued_messages_when_a_server_is_set_up(client_as, app, mail_app):
    send_or_queue(db.session, message(), None)
    db.session.commit()
    queued_id = db.session.scalar(select(OutboxMessage.id))
    client = client_as("admin")
    form = {"action": "send", "rowid": str(queued_id), **client.csrf("/admin/outboxmessage/")}
    response = client.post("/admin/outboxmessage/action/", data=form, follow_redirects=True)
    assert "1 sent, 0 failed" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.sent
    assert len(mail_app.received) == 1


def test_send_now_without_a_server_says_so_and_keeps_them_queued(client_as):
    send_or_queue(db.session, message(), None)
    db.session.commit()
    client = client_as("admin")
    form = {"action": "send", "rowid": "1", **client.csrf("/admin/outboxmessage/")}
    response = client.post("/admin/outboxmessage/action/", data=form, follow_redirects=True)
    assert "No mail server is set up" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.queued
