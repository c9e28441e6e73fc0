"""The README's recipes, each run as written: a throwaway model view, record tab and record
action added to an app of their own, seen in place and refused to a role below theirs."""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest

from admin_views.core.menu import MODEL_VIEWS
from admin_views.customers.record import ACTIONS, PANEL_BLOCKS, TABS
from extensions import db
from models import Communication, CommunicationKind, Contract, Customer, Role, Status
from tests.conftest import make_user
from tests.factories import make_customer

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())
RECIPES = ROOT / "docs" / "recipes"


@pytest.fixture
def recipe(fresh_app):
    """`recipe("record_tab")` registers that recipe and returns an app built with it and a
    client per role; the registries lose it again after the test."""
    registries = [ACTIONS, MODEL_VIEWS, *TABS.values(), *PANEL_BLOCKS.values()]
    saved = [list(registry) for registry in registries]

    def build(name: str):
        spec = importlib.util.spec_from_file_location(f"recipe_{name}", RECIPES / f"{name}.py")
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        app = fresh_app()
        clients = {}
        for role in (Role.office, Role.read_only):
            clients[role] = app.test_client()
            assert clients[role].login(make_user(role).email).status_code == 302
        return clients[Role.office], clients[Role.read_only]

    yield build
    for registry, entries in zip(registries, saved, strict=True):
        registry[:] = entries


def in_order(page: str, *marks: str) -> bool:
    places = [page.find(mark) for mark in marks]
    return -1 not in places and places == sorted(places)


@pytest.mark.parametrize("name", ["model_view", "record_tab", "record_action"])
def test_each_recipe_is_one_short_file_quoted_whole_in_the_readme(name):
    text = (RECIPES / f"{name}.py").read_text()
    assert len(text.splitlines()) <= 30
    assert text in (ROOT / "README.md").read_text()


def test_the_model_view_recipe_lists_dormant_customers_under_customers(recipe):
    office, read_only = recipe("model_view")
    dormant = make_customer(surname="Sleeping", status=Status.dormant)
    make_customer(surname="Awake")

    menu = office.get("/admin/").get_data(as_text=True)
    assert in_order(menu, '"/admin/customer/"', '"/admin/dormant_customers/"', '"/admin/contact/"')
    listed = office.get("/admin/dormant_customers/").get_data(as_text=True)
    assert "Sleeping" in listed and "Awake" not in listed
    assert dormant.account_number in listed

    assert "/admin/dormant_customers/" not in read_only.get("/admin/").get_data(as_text=True)
    assert read_only.get("/admin/dormant_customers/").status_code == 403


def test_the_record_tab_recipe_shows_contracts_between_assets_and_files(recipe):
    office, read_only = recipe("record_tab")
    customer = make_customer()
    db.session.add(Contract(customer=customer, reference="CON-7", start_date=date(2026, 3, 12)))
    db.session.commit()

    page = office.record(customer.id)
    assert in_order(page, 'href="#assets"', 'href="#contracts"', 'href="#files"')
    assert re.search(r'data-count="contracts">1<', page)
    assert "CON-7" in page and "12 Mar 2026" in page

    assert 'href="#contracts"' not in read_only.record(customer.id)
    assert read_only.get(f"/admin/customer/{customer.id}/tabs/contracts/").status_code == 403


def test_the_record_action_recipe_logs_a_call_from_the_quick_links(recipe):
    office, read_only = recipe("record_action")
    customer = make_customer()
    url = f"/admin/customer/{customer.id}/welcome-call/"

    page = office.record(customer.id)
    assert in_order(page, 'data-heading="Admin tools"', "Log a welcome call", "Set dormant")
    empty = office.post(url, data={"body": " ", **office.csrf(url)})
    assert empty.status_code == 400 and "Write the note." in empty.get_data(as_text=True)
    assert db.session.query(Communication).count() == 0
    done = office.post(url, data={"body": "Welcomed aboard", **office.csrf(url)})
    assert done.headers["Location"] == f"/admin/customer/details/?id={customer.id}"
    call = db.session.query(Communication).one()
    assert (call.kind, call.body, call.customer_id) == (
        CommunicationKind.call,
        "Welcomed aboard",
        customer.id,
    )

    assert "Log a welcome call" not in read_only.record(customer.id)
    assert read_only.get(url).status_code == 403
    refused = read_only.post(url, data={"body": "Sneaky", **read_only.csrf()})
    assert refused.status_code == 403 and db.session.query(Communication).count() == 1
    assert db.session.get(Customer, customer.id).status == Status.active
