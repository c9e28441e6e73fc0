"""The job page's own Notes and comments (seed 001), shown on the customer's Communications
too, and the breadcrumbs from a job, an invoice and a property back up to their customer."""

import re

from sqlalchemy import func, select

from extensions import db
from models import Communication, Work
from tests.factories import make_customer, make_invoice, make_work, make_work_address
from tests.sql import counting_statements


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def add_note(client, customer, **fields):
    data = {"kind": "call", "body": "Rang to book the survey", **fields, **client.csrf()}
    return client.post(f"/admin/customer/{customer.id}/communications/", data=data)


def notes() -> int:
    return db.session.scalar(select(func.count()).select_from(Communication))


def test_a_note_added_on_the_job_page_stays_with_the_job_and_the_customer(client_as):
    customer = make_customer()
    address = make_work_address(customer)
    job = make_work(customer, work_address=address, description="Boiler service")
    office = client_as("office")
    page = office.get(f"/admin/work/details/?id={job.id}").get_data(as_text=True)
    assert "Notes and comments" in page and f'name="work_id" type="hidden" value="{job.id}"' in page
    added = add_note(office, customer, work_id=str(job.id), work_address_id=str(address.id))
    assert added.location.endswith(f"/admin/work/details/?id={job.id}#notes")
    note = db.session.scalar(select(Communication))
    assert (note.work_id, note.work_address_id, note.kind) == (job.id, address.id, "call")
    job_page = words(office.get(f"/admin/work/details/?id={job.id}").get_data(as_text=True))
    assert "Call logged." in job_page and "Rang to book the survey" in job_page
    record = office.record(customer.id)
    assert "Rang to book the survey" in record
    assert f'href="/admin/work/details/?id={job.id}">Job {job.number}</a>' in record


def test_pinning_a_job_note_returns_to_the_job(client_as):
    customer = make_customer()
    job = make_work(customer)
    office = client_as("office")
    add_note(office, customer, work_id=str(job.id))
    note = db.session.scalar(select(Communication))
    pinned = office.post(
        f"/admin/customer/{customer.id}/communications/{note.id}/pin/", data=office.csrf()
    )
    assert pinned.location.endswith(f"/admin/work/details/?id={job.id}#notes")
    db.session.refresh(note)
    assert note.is_important


def test_a_note_on_another_customers_job_is_refused_and_nothing_saved(client_as):
    customer = make_customer()
    theirs = make_work(make_customer(surname="Other", email="o@example.com"))
    office = client_as("office")
    for forged in (str(theirs.id), "abc", "99999999999", "-1"):
        assert add_note(office, customer, work_id=forged).status_code == 404
        assert add_note(office, customer, work_address_id=forged).status_code == 404
    assert notes() == 0


def test_a_read_only_user_reads_job_notes_but_cannot_add_one(client_as):
    customer = make_customer()
    job = make_work(customer)
    add_note(client_as("office"), customer, work_id=str(job.id))
    reader = client_as("read_only")
    page = reader.get(f"/admin/work/details/?id={job.id}").get_data(as_text=True)
    assert "Rang to book the survey" in page and "Add record" not in page
    assert add_note(reader, customer, work_id=str(job.id)).status_code == 403
    assert notes() == 1


def test_a_deleted_job_leaves_its_notes_on_the_record(client_as):
    customer = make_customer()
    job = make_work(customer)
    add_note(client_as("office"), customer, work_id=str(job.id))
    db.session.delete(db.session.get(Work, job.id))
    db.session.commit()
    note = db.session.scalar(select(Communication))
    assert note.customer_id == customer.id and note.work_id is None


def test_breadcrumbs_lead_from_a_job_an_invoice_and_a_property_to_the_customer(client_as):
    customer = make_customer()
    address = make_work_address(customer, address_line_1="7 Mill Lane")
    job = make_work(customer, work_address=address)
    invoice = make_invoice(customer)
    invoice.lines[0].work = job
    db.session.commit()
    office = client_as("office")

    def trail(url):
        html = office.get(url).get_data(as_text=True)
        return words(re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', html, re.S).group(1))

    name = customer.display_name
    assert trail(f"/admin/work/details/?id={job.id}") == f"{name} 7 Mill Lane Job {job.number}"
    assert trail(f"/admin/workaddress/details/?id={address.id}") == f"{name} 7 Mill Lane"
    assert trail(f"/admin/invoice/details/?id={invoice.id}") == (
        f"{name} 7 Mill Lane Job {job.number} Draft invoice"
    )


def test_the_job_and_property_pages_cost_the_same_with_one_note_or_many(client_as):
    """Each note names its property and its job: loaded with the page, not one query each."""
    customer = make_customer()
    office = client_as("office")
    jobs = []
    for n in range(5):
        address = make_work_address(customer, address_line_1=f"{n} Mill Lane")
        jobs.append(make_work(customer, work_address=address))
    first = jobs[0]

    def statements(url):
        office.get(url)  # warm: the login's own look-ups
        with counting_statements() as sent:
            office.get(url)
        return len(sent)

    pages = (f"/admin/work/details/?id={first.id}",
             f"/admin/workaddress/details/?id={first.work_address_id}")  # fmt: skip
    add_note(office, customer, work_id=str(first.id), work_address_id=str(first.work_address_id))
    once = [statements(url) for url in pages]
    for job in jobs[1:]:  # notes on other jobs and properties, shown on these pages too
        add_note(office, customer, work_id=str(job.id), work_address_id=str(first.work_address_id))
        add_note(office, customer, work_id=str(first.id), work_address_id=str(job.work_address_id))
    assert [statements(url) for url in pages] == once
