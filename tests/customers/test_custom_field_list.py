"""Customer custom fields where staff read them: a filter and an optional column on the customer
list (indexed on both databases), and a block on the record's side panel."""

from __future__ import annotations

from sqlalchemy import text

from extensions import db
from models import CustomFieldType
from tests.factories import make_custom_field, make_customer


def filter_argument(app, client, label: str, operation: str) -> str:
    client.get("/admin/customer/")  # the list reads the fields' filters on each request
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "customer")
    for argument, (_index, flt) in view._filter_args.items():
        if flt.name == label and flt.operation() == operation:
            return argument
    raise AssertionError(f"no filter {label} {operation}")


def listed(client, query: str) -> str:
    return client.get(f"/admin/customer/?{query}").get_data(as_text=True)


def test_a_choice_field_filters_the_customer_list(app, client_as):
    make_custom_field("heating", label="Heating", field_type=CustomFieldType.choice,
                      choices=["Gas", "Oil"])  # fmt: skip
    make_customer(surname="Gasworth", custom_fields={"heating": "Gas"})
    make_customer(surname="Oilby", custom_fields={"heating": "Oil"})
    client = client_as("office")
    page = listed(client, f"flt0_{filter_argument(app, client, 'Heating', 'equals')}=Oil")
    assert "Oilby" in page and "Gasworth" not in page


def test_a_yes_no_field_filters_on_both_databases(app, client_as):
    make_custom_field("has_dog", label="Has a dog", field_type=CustomFieldType.yes_no)
    make_customer(surname="Barker", custom_fields={"has_dog": True})
    make_customer(surname="Catt", custom_fields={"has_dog": False})
    client = client_as("office")
    page = listed(client, f"flt0_{filter_argument(app, client, 'Has a dog', 'equals')}=yes")
    assert "Barker" in page and "Catt" not in page


def test_a_malformed_filter_value_is_left_out_with_a_message(app, client_as):
    make_custom_field("floors", label="Floors", field_type=CustomFieldType.number)
    make_customer(surname="Tall", custom_fields={"floors": "3"})
    client = client_as("office")
    response = client.get(
        f"/admin/customer/?flt0_{filter_argument(app, client, 'Floors', 'equals')}=three"
    )
    assert response.status_code == 200
    assert "Filter “Floors equals” left out: it does not take “three”." in response.get_data(
        as_text=True
    )


def test_a_field_is_an_optional_column_of_the_list(client_as):
    make_custom_field("gate_code", label="Gate code")
    make_customer(surname="Gated", custom_fields={"gate_code": "4321"})
    client = client_as("office")
    plain = listed(client, "")
    assert "Gate code" in plain and "4321" not in plain  # offered under Columns, not shown
    assert "4321" in listed(client, "show=cf_gate_code")


def customer_indexes() -> set[str]:
    if db.session.get_bind().dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'customer'"
    else:  # SQLAlchemy does not reflect SQLite's expression indexes
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'"
    return set(db.session.scalars(text(query)))


def test_defining_a_customer_field_indexes_its_values(app):
    make_custom_field("gate_code")
    assert "ix_customer_cf_gate_code" in customer_indexes()


def test_the_record_shows_the_filled_custom_fields_by_their_labels(client_as):
    make_custom_field("gate_code", label="Gate code")
    make_custom_field("visit_on", label="First visit", field_type=CustomFieldType.date)
    make_custom_field("unused", label="Never filled")
    customer = make_customer(custom_fields={"gate_code": "4321", "visit_on": "2026-03-14"})
    page = client_as("read_only").get(f"/admin/customer/details/?id={customer.id}")
    text = page.get_data(as_text=True)
    assert "Gate code" in text and "4321" in text and "14 Mar 2026" in text
    assert "Never filled" not in text


def test_a_command_makes_the_indexes_that_are_missing(app):
    make_custom_field("gate_code")
    db.session.execute(text("DROP INDEX ix_customer_cf_gate_code"))
    output = app.test_cli_runner().invoke(args=["custom-field-indexes"]).output
    assert "Custom field indexes: 1 in place (gate_code)." in output
    assert "ix_customer_cf_gate_code" in customer_indexes()
