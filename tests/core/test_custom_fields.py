"""Custom fields: defined by admins as data, filled on the Work form and through the domain API,
each wrong value refused by its field, hidden and restored with their values, purged on a typed
confirmation."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from extensions import db
from models import AuditEntry, CustomField, CustomFieldTarget, CustomFieldType, ValidationFailed
from models.core.custom_fields import definitions_for
from models.core.custom_values import clean_custom_values, set_custom_values
from tests.factories import (
    customer_type,
    make_custom_field,
    make_customer,
    make_work,
    make_work_address,
)

CHOICE = CustomFieldType.choice
SEVERAL = CustomFieldType.several_choices


def typed(field_type: CustomFieldType, **fields) -> CustomField:
    return make_custom_field(f"f_{field_type.value}", field_type=field_type, **fields)


@pytest.mark.parametrize(
    ("field_type", "value", "stored"),
    [
        (CustomFieldType.text, "  Blue door ", "Blue door"),
        (CustomFieldType.number, "3.5", "3.5"),
        (CustomFieldType.money, "1,200.5", "1200.50"),
        (CustomFieldType.date, "2026-03-14", "2026-03-14"),
        (CustomFieldType.yes_no, "Yes", True),
        (CustomFieldType.yes_no, "no", False),
    ],
)
def test_values_are_stored_in_their_type(app, field_type, value, stored):
    field = typed(field_type)
    assert clean_custom_values([field], {field.key: value}) == {field.key: stored}


def test_several_choices_are_kept_in_the_definitions_order(app):
    field = typed(SEVERAL, choices=["Red", "Green", "Blue"])
    assert clean_custom_values([field], {field.key: "Blue, Red"}) == {field.key: ["Red", "Blue"]}
    assert clean_custom_values([field], {field.key: ["Green"]}) == {field.key: ["Green"]}


@pytest.mark.parametrize(
    ("field_type", "value", "said"),
    [
        (CustomFieldType.number, "twelve", "enter a number"),
        (CustomFieldType.number, "NaN", "enter a number"),
        (CustomFieldType.money, "12.345", "at most two decimals"),
        (CustomFieldType.money, "£12", "enter an amount"),
        (CustomFieldType.date, "14/03/2026", "YYYY-MM-DD"),
        (CustomFieldType.yes_no, "maybe", "yes or no"),
        (CHOICE, "Purple", "“Purple” is not one of Red, Blue"),
        (SEVERAL, "Red, Purple", "“Purple” not among Red, Blue"),
    ],
)
def test_a_wrong_value_is_refused_by_its_field(app, field_type, value, said):
    field = typed(
        field_type, label="Colour", choices=["Red", "Blue"] if "choice" in field_type else []
    )
    with pytest.raises(ValidationFailed) as refused:
        clean_custom_values([field], {field.key: value})
    assert list(refused.value.errors) == [f"cf_{field.key}"]
    assert said in refused.value.errors[f"cf_{field.key}"]


def test_a_required_field_must_be_filled(app):
    field = make_custom_field("gate_code", label="Gate code", required=True)
    with pytest.raises(ValidationFailed) as refused:
        clean_custom_values([field], {"gate_code": "  "})
    assert refused.value.errors == {"cf_gate_code": "Gate code is required."}


def test_setting_values_keeps_those_of_fields_not_shown(app):
    shown = make_custom_field("gate_code")
    customer = make_customer(custom_fields={"old_field": "kept", "gate_code": "1"})
    set_custom_values(customer, [shown], {"gate_code": "4321"})
    assert customer.custom_fields == {"old_field": "kept", "gate_code": "4321"}
    set_custom_values(customer, [shown], {"gate_code": ""})
    assert customer.custom_fields == {"old_field": "kept"}


def test_definitions_follow_the_customer_type_and_their_order(app):
    company = customer_type("Company")
    everyone = make_custom_field("second", position=2)
    make_custom_field("for_companies", position=1, customer_types=[company])
    first = make_custom_field("first", position=1)
    typed_for = definitions_for(db.session, CustomFieldTarget.customer, customer_type().id)
    assert typed_for == [first, everyone]
    assert [f.key for f in definitions_for(db.session, CustomFieldTarget.customer, company.id)] == [
        "first",
        "for_companies",
        "second",
    ]


def post_field(client, **overrides):
    data = {
        "label": "Gate code",
        "key": "gate_code",
        "field_type": "text",
        "applies_to": "customer",
        "position": "0",
        **client.csrf("/admin/customfield/new/"),
        **overrides,
    }
    return client.post("/admin/customfield/new/", data=data, follow_redirects=True)


def test_an_admin_defines_a_field_on_the_admin_page(client_as):
    admin = client_as("admin")
    post_field(admin, field_type="choice", choices="Front\nBack\n", required="y")
    field = db.session.scalar(select(CustomField).where(CustomField.key == "gate_code"))
    assert (field.field_type, field.choices, field.required) == (CHOICE, ["Front", "Back"], True)
    listed = admin.get("/admin/customfield/").get_data(as_text=True)
    assert "Gate code" in listed and "gate_code" in listed


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"key": "Gate Code!"}, "lower-case letters, digits and underscores"),
        ({"field_type": "choice"}, "A choice field needs its choices"),
        ({"choices": "Front"}, "Only choice fields have choices"),
    ],
)
def test_a_bad_definition_is_refused_with_why(client_as, overrides, said):
    page = post_field(client_as("admin"), **overrides).get_data(as_text=True)
    assert said in page
    assert db.session.scalar(select(CustomField)) is None


def test_a_duplicate_key_is_refused(client_as):
    make_custom_field("gate_code")
    page = post_field(client_as("admin"), label="Another").get_data(as_text=True)
    assert "Another custom field has the key “gate_code”" in page
    assert db.session.scalars(select(CustomField.label)).all() == ["Gate code"]


def test_the_key_cannot_change_once_saved(client_as):
    field = make_custom_field("gate_code")
    admin = client_as("admin")
    url = f"/admin/customfield/edit/?id={field.id}"
    data = {"label": "Gate", "key": "gate", "field_type": "text", "applies_to": "customer"}
    page = admin.post(url, data={**data, "position": "0", **admin.csrf(url)}, follow_redirects=True)
    assert "The key cannot change" in page.get_data(as_text=True)
    db.session.refresh(field)
    assert field.key == "gate_code"


def test_office_users_cannot_define_fields(client_as):
    office = client_as("office")
    assert office.get("/admin/customfield/").status_code == 403
    assert post_field(office).status_code == 403


def work_form(client, work, **fields):
    url = f"/admin/work/edit/?id={work.id}"
    page = client.get(url).get_data(as_text=True)
    data = {
        "kind": "job",
        "status": "open",
        "customer": str(work.customer_id),
        "description": work.description,
        "version": str(work.version),
        **client.csrf(url),
        **fields,
    }
    return page, client.post(url, data=data, follow_redirects=True)


def test_the_work_form_shows_and_saves_the_works_fields(client_as, populated):
    make_custom_field("access", label="Access notes", applies_to=CustomFieldTarget.work)
    make_custom_field("gate_code", label="Gate code")  # a customer's field: not on works
    work = populated.works[0]
    page, saved = work_form(client_as("office"), work, cf_access="Key under the mat")
    assert "Custom fields" in page and "Access notes" in page and "Gate code" not in page
    assert saved.status_code == 200
    db.session.refresh(work)
    assert work.custom_fields == {"access": "Key under the mat"}
    again = client_as("office").get(f"/admin/work/edit/?id={work.id}").get_data(as_text=True)
    assert 'value="Key under the mat"' in again


def test_the_work_form_refuses_a_value_of_the_wrong_type_by_its_field(client_as, populated):
    make_custom_field("floors", label="Floors", applies_to=CustomFieldTarget.work,
                      field_type=CustomFieldType.number, required=True)  # fmt: skip
    work = populated.works[0]
    _, refused = work_form(client_as("office"), work, cf_floors="three")
    assert "Enter a number, such as 12 or 3.5." in refused.get_data(as_text=True)
    _, missing = work_form(client_as("office"), work)
    assert "Floors is required." in missing.get_data(as_text=True)
    db.session.refresh(work)
    assert work.custom_fields == {}


def test_changes_to_custom_values_are_in_the_trail(client_as, populated):
    make_custom_field("access", label="Access notes", applies_to=CustomFieldTarget.work)
    work = make_work(populated)
    work_form(client_as("office"), work, cf_access="Side gate")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "work", AuditEntry.action == "update")
    ).first()
    assert entry.changes["custom_fields"] == [{}, {"access": "Side gate"}]
    trail = client_as("admin").get("/admin/auditentry/").get_data(as_text=True)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", trail)).split())
    assert "Access notes: (none) → Side gate" in said


def test_removing_hides_a_field_and_restoring_brings_its_values_back(client_as):
    field = make_custom_field("gate_code", label="Gate code")
    customer = make_customer(custom_fields={"gate_code": "4321"})
    admin = client_as("admin")
    admin.post(
        "/admin/customfield/action/",
        data={"action": "remove", "rowid": field.id, **admin.csrf("/admin/customfield/")},
    )
    assert definitions_for(db.session, CustomFieldTarget.customer, None) == []
    db.session.refresh(customer)
    assert customer.custom_fields == {"gate_code": "4321"}
    admin.post(
        "/admin/customfield/action/",
        data={"action": "restore", "rowid": field.id, **admin.csrf("/admin/customfield/")},
    )
    assert definitions_for(db.session, CustomFieldTarget.customer, None) == [field]


def test_purging_asks_for_the_key_then_deletes_the_field_and_its_values(client_as):
    field_id = make_custom_field("gate_code", label="Gate code").id
    customer = make_customer(custom_fields={"gate_code": "4321", "other": "kept"})
    admin = client_as("admin")
    url = f"/admin/customfield/purge/?id={field_id}"
    page = admin.get(url).get_data(as_text=True)
    assert "<strong>1</strong>" in page and "gate_code" in page
    wrong = admin.post(url, data={"confirm": "gate", **admin.csrf(url)})
    assert wrong.status_code == 400
    assert "Type the key “gate_code” to purge the field." in wrong.get_data(as_text=True)
    assert db.session.get(CustomField, field_id) is not None
    done = admin.post(url, data={"confirm": "gate_code", **admin.csrf(url)}, follow_redirects=True)
    assert "Gate code purged: removed from 1 records." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CustomField, field_id) is None
    assert db.session.get(type(customer), customer.id).custom_fields == {"other": "kept"}


def test_the_work_address_and_job_pages_list_their_filled_custom_fields(client_as):
    make_custom_field("meter", label="Meter number", applies_to=CustomFieldTarget.work_address)
    make_custom_field("unused", label="Never filled", applies_to=CustomFieldTarget.work_address)
    make_custom_field("floors", label="Floors", applies_to=CustomFieldTarget.work,
                      field_type=CustomFieldType.number)  # fmt: skip
    customer = make_customer()
    address = make_work_address(customer, custom_fields={"meter": "M-4471"})
    work = make_work(customer, work_address=address, custom_fields={"floors": 3})
    office = client_as("office")
    property_page = office.get(f"/admin/workaddress/details/?id={address.id}")
    shown = " ".join(re.sub(r"<[^>]+>", " ", property_page.get_data(as_text=True)).split())
    assert "Custom fields Meter number M-4471" in shown and "Never filled" not in shown
    job_page = office.get(f"/admin/work/details/?id={work.id}").get_data(as_text=True)
    assert "Custom fields Floors 3" in " ".join(re.sub(r"<[^>]+>", " ", job_page).split())
