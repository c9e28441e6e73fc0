"""The record's quick links (seed 004): under the seed's headings, what cannot be undone apart,
and for each role only what its endpoint would let it open."""

import html
import re

import pytest

from admin_views.customers.record import ACTIONS, register_action
from tests.factories import make_customer

QUICK_LINKS = re.compile(r'<nav class="collapse quick-links[^>]*>(.*?)</nav>', re.S)
SECTION = re.compile(
    r'<section class="quick-links-\w+[^"]*"[^>]*data-heading="([^"]+)">(.*?)</section>', re.S
)
LINK = re.compile(r'<a (?:class="([^"]*)" )?href="([^"]+)">([^<]+)</a>')

# Seed 004's "Quick links" sentence ("Customer portal" capitalised, as its heading is).
SEED_SAYS = (
    "The actions including Work addresses, Invoices, Payments, Statements, Service reminders, "
    "Contracts, Associate SLA, Admin tools and Customer portal"
)
SEED_HEADINGS = SEED_SAYS.removeprefix("The actions including ").replace(" and ", ", ").split(", ")
APART = "Cannot be undone"


def quick_links(client, customer) -> dict[str, dict[str, str]]:
    """Heading → {title: address}, in the order the record page shows them."""
    page = client.get(f"/admin/customer/details/?id={customer.id}").get_data(as_text=True)
    nav = QUICK_LINKS.search(page)
    if nav is None:
        return {}
    return {
        heading: {html.unescape(t): html.unescape(url) for _, url, t in LINK.findall(section)}
        for heading, section in SECTION.findall(nav.group(1))
    }


def titles(links: dict[str, dict[str, str]]) -> set[str]:
    return {title for entries in links.values() for title in entries}


def test_the_quick_links_come_under_the_seeds_headings_in_its_order(client_as):
    links = quick_links(client_as("admin"), make_customer())
    assert list(links) == [*SEED_HEADINGS, APART]
    assert list(links["Work addresses"]) == ["Add new work address", "Bulk upload work addresses"]
    assert list(links["Invoices"])[0] == "Add invoice"  # the everyday entry first
    assert list(links["Payments"])[0] == "Add cash allocation"
    assert list(links["Contracts"]) == ["Add contract", "Add service plan"]


def test_what_cannot_be_undone_is_apart_and_marked_in_red(client_as):
    customer = make_customer()
    links = quick_links(client_as("admin"), customer)
    apart = ["Change customer type", "Merge customer", "Delete customer"]
    assert list(links[APART]) == apart
    assert not titles({h: e for h, e in links.items() if h != APART}) & set(apart)
    page = client_as("admin").get(f"/admin/customer/details/?id={customer.id}")
    section = re.search(
        r'data-heading="Cannot be undone">(.*?)</section>', page.get_data(as_text=True), re.S
    )
    assert [cls for cls, _, _ in LINK.findall(section.group(1))] == ["text-danger"] * 3


def test_office_gets_the_everyday_links_and_no_delete(client_as):
    links = quick_links(client_as("office"), make_customer())
    assert {"Add new work address", "Add invoice", "Add cash allocation", "Set dormant"} <= titles(
        links
    )
    assert "Delete customer" not in titles(links)
    assert list(links) == [h for h in [*SEED_HEADINGS, APART] if h in links]


def test_read_only_is_offered_only_pages_that_read(client_as):
    links = quick_links(client_as("read_only"), make_customer())
    assert titles(links) == {  # pages that only show: their endpoints let read_only in
        "Invoice settings",
        "Stored cards",
        "Send statement",
        "Service reminders",
        "Manage portal access",
    }
    for refused in ("Add invoice", "Add new work address", "Set dormant", "Delete customer"):
        assert refused not in titles(links)
    assert APART not in links


@pytest.mark.parametrize("role", ["admin", "office", "read_only"])
def test_a_role_is_offered_every_link_it_may_open_and_none_it_would_be_refused(client_as, role):
    customer = make_customer()
    everything = {
        title: url
        for entries in quick_links(client_as("admin"), customer).values()
        for title, url in entries.items()
    }
    client = client_as(role)
    offered = titles(quick_links(client, customer))
    for title, url in everything.items():
        refused = client.get(url).status_code == 403
        assert refused is (title not in offered), (role, title, url)


def test_an_entry_under_a_heading_the_seed_does_not_name_is_refused():
    before = list(ACTIONS)
    with pytest.raises(ValueError, match="No quick-links heading 'Advanced options'"):
        register_action(heading="Advanced options", weight=10)
    assert before == ACTIONS
