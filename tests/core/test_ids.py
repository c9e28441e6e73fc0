"""Ids no row can have — not a number, or past an INTEGER key — find nothing: the page says
so or is not found. PostgreSQL refuses such ids with an error, which must never reach a user."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_customer

PAST_INTEGER = "99999999999"


def get_pages(app) -> list[str]:
    """Every GET route with id parameters, each id replaced by one past an INTEGER key."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and "<int:" in rule.rule:
            pages.append(re.sub(r"<int:\w+>", PAST_INTEGER, rule.rule))
    return pages


def id_pages(app) -> list[str]:
    """Every details and edit page, which take their id from ?id=."""
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/") and rule.rule.endswith(("/details/", "/edit/"))
    ]


def test_routes_with_an_id_past_an_integer_key_are_not_found(app, client_as):
    client = client_as("admin")
    pages = get_pages(app)
    assert len(pages) > 20  # the customer's pages, documents, cards, payments …
    answers = {page: client.get(page).status_code for page in pages}
    assert {page: code for page, code in answers.items() if code != 404} == {}


@pytest.mark.parametrize("value", [PAST_INTEGER, "abc", "-1"])
def test_details_and_edit_pages_with_such_an_id_find_nothing(app, client_as, value):
    client = client_as("admin")
    pages = id_pages(app)
    assert len(pages) > 20
    answers = {page: client.get(f"{page}?id={value}").status_code for page in pages}
    assert {page: code for page, code in answers.items() if code not in (302, 404)} == {}


def test_ids_in_filters_and_ticked_rows_past_an_integer_key_are_ignored(client_as):
    customer = make_customer()
    client = client_as("office")
    record = client.record(customer.id, f"&assets_group={PAST_INTEGER}")  # 200 with every tab
    reminders = client.get(f"/admin/reminders-due/?customer_id={PAST_INTEGER}")
    batch = client.post(
        "/admin/reminders-due/decide/",
        data={"reminder": PAST_INTEGER, "decision": "unknown", **client.csrf()},
    )
    assert "Asset group" in record and reminders.status_code == 200
    assert batch.status_code == 400  # nothing ticked: the list comes back with the reason
