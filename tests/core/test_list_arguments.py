"""No 5xx from a query string or a form value: every list view is sent a corpus of malformed
page, page size, sort, search and filter values, on SQLite and on PostgreSQL. A bad page or
page size is clamped, an unknown or refused sort or filter is left out with a message, a NUL
byte is refused with a message; nothing reaches the database that it would choke on."""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from flask_admin.model import BaseModelView
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from forms.core.base import NUL_REFUSED
from models import Contact, Customer
from tests.core.test_validation import field_error
from tests.factories import customer_form, make_customer, make_work, new_customer

HUGE = "99999999999999999999"
LONG = "x" * 10_000
# A page, page size or sort no list takes: each list shows its first page instead.
FIRST_PAGE_INSTEAD = [
    {"page": "-5"},
    {"page": "abc"},
    {"page_size": "0"},
    {"page_size": "-1"},
    {"page_size": "100000"},
    {"page_size": "abc"},
    {"sort": "999"},
    {"desc": "abc"},
]
# Query strings no list may fail on: one malformed argument at a time, then a few together.
LIST_CORPUS = [
    *FIRST_PAGE_INSTEAD,
    {"page": HUGE},
    {"sort": "-1"},
    {"sort": "abc"},
    {"sort": HUGE},
    {"search": LONG},
    {"search": "%_\\'\""},
    {"flt99_99": "1"},
    {"flt0_999": "1"},
    {"flt0_abc": "1"},
    {"flt": "1"},
    {"page": "-5", "page_size": "100000", "sort": "999", "desc": "abc", "flt0_999": "1"},
    {"page": HUGE, "page_size": "-1", "search": LONG},
]
FILTER_VALUES = ["'", "abc", "-1", str(2**31), HUGE, "2024-13-45", "1.5e999", "nan", "", "%_\\"]
NUL_SEARCHES = ["\x00", "a\x00b"]
ROW_ID = re.compile(r"/details/\?id=(\d+)")
LEFT_OUT = "left out"


@pytest.fixture
def admin(app, client_as, populated):
    """The admin's client, served as in production: an exception is a 500 page, not raised."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    make_work(populated)
    return client_as("admin")


def list_views(app) -> list[BaseModelView]:
    return [view for view in app.extensions["admin"][0]._views if isinstance(view, BaseModelView)]


def list_url(view, arguments: dict[str, str]) -> str:
    return f"{view.url}/?{urlencode(arguments)}"


def failures(client, urls) -> list[tuple[str, int]]:
    """The URLs answered with a 5xx, and their status: the test's report of what broke."""
    answered = ((url[:120], client.get(url).status_code) for url in urls)
    return [(url, status) for url, status in answered if status >= 500]


def shown_ids(response) -> set[str]:
    return set(ROW_ID.findall(response.get_data(as_text=True)))


@pytest.mark.parametrize("query", LIST_CORPUS)
def test_no_list_fails_on_a_malformed_page_sort_or_search(app, admin, query):
    urls = [list_url(view, query) for view in list_views(app)]
    assert failures(admin, urls) == []


# One value per test, on every list and filter: a failure names the value.
@pytest.mark.parametrize("value", FILTER_VALUES)
def test_no_list_fails_on_a_malformed_filter_value(app, admin, value):
    urls = [
        list_url(view, {f"flt0_{arg}": value})
        for view in list_views(app)
        for arg in view._filter_args or {}
    ]
    assert failures(admin, urls) == []


@pytest.mark.parametrize("query", FIRST_PAGE_INSTEAD)
def test_a_bad_page_or_page_size_shows_the_first_page(app, admin, query):
    for endpoint in ("customer", "work", "workaddress", "invoice"):
        first = admin.get(f"/admin/{endpoint}/")
        response = admin.get(f"/admin/{endpoint}/?{urlencode(query)}")
        assert response.status_code == 200, (endpoint, query)
        assert shown_ids(response) == shown_ids(first) != set(), (endpoint, query)


def test_a_page_past_any_the_list_can_show_is_clamped(admin):
    response = admin.get(f"/admin/customer/?page={HUGE}")
    assert response.status_code == 200
    assert HUGE not in response.get_data(as_text=True)  # the links lead to pages that exist


def test_a_sort_the_list_does_not_offer_is_left_out_with_a_message(admin):
    response = admin.get("/admin/customer/?sort=999")
    assert response.status_code == 200
    assert "Sorting by column “999” is not offered" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("filter_name", "value"),
    [
        ("Status", "'"),  # not one of its choices
        ("Status", "active,'"),
        ("Email is invalid (bounces)", "2"),  # a yes/no filter
        ("Added", "2024-13-45"),
    ],
)
def test_a_filter_value_it_refuses_is_left_out_with_a_message_naming_it(
    app, admin, filter_name, value
):
    view = next(view for view in list_views(app) if view.endpoint == "customer")
    arg = next(arg for arg, (_, flt) in view._filter_args.items() if flt.name == filter_name)
    first = admin.get("/admin/customer/")
    response = admin.get(list_url(view, {f"flt0_{arg}": value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert LEFT_OUT in html and str(escape(filter_name)) in html
    assert shown_ids(response) == shown_ids(first)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("Int", HUGE),
        ("Int", "-" + HUGE),
        ("Int", str(2**31)),  # past an INTEGER column: PostgreSQL casts the value to its type
        ("Int", "1.5"),
        ("Float", "1.5e999"),
        ("Float", "nan"),
    ],
)
def test_a_number_no_column_holds_is_left_out_with_a_message(app, admin, kind, value):
    numbers = [
        (view, arg, flt)
        for view in list_views(app)
        for arg, (_, flt) in (view._filter_args or {}).items()
        if type(flt).__name__.startswith(kind)
    ]
    assert numbers, "no list has a number filter to try"
    for view, arg, flt in numbers:
        response = admin.get(list_url(view, {f"flt0_{arg}": value}))
        assert response.status_code == 200, (view.endpoint, flt.name)
        assert LEFT_OUT in response.get_data(as_text=True), (view.endpoint, flt.name, value)


@pytest.mark.parametrize("arg", ["flt0_999", "flt0_abc", "flt"])
def test_a_filter_the_list_does_not_have_is_left_out_with_a_message(admin, arg):
    response = admin.get(f"/admin/customer/?{arg}=1")
    assert response.status_code == 200
    assert f"There is no filter “{arg}” on this list" in response.get_data(as_text=True)


@pytest.mark.parametrize("search", NUL_SEARCHES)
def test_a_nul_byte_in_a_search_is_refused_with_a_message(app, admin, search):
    customers = db.session.scalar(select(func.count()).select_from(Customer))
    for view in list_views(app):
        response = admin.get(list_url(view, {"search": search}))
        assert response.status_code == 400, view.endpoint
        assert "NUL" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == customers


def test_a_nul_byte_anywhere_in_a_query_string_is_refused(app, admin, populated):
    urls = [
        list_url(view, {f"flt0_{arg}": "a\x00"})
        for view in list_views(app)
        for arg in view._filter_args or {}
    ]
    urls += [
        "/admin/customer/?a%00b=1",
        "/admin/reminders-due/?period=%00",
        f"/admin/invoice-settings/{populated.id}/addresses/search?q=%00",
        "/admin/customer/details/?id=1%00",
    ]
    assert {url[:80]: admin.get(url).status_code for url in urls} == {url[:80]: 400 for url in urls}


@pytest.mark.parametrize("term", ["%", "_", "\\", "\\%", "'", LONG, " ".join(["ab"] * 300)])
def test_the_customer_search_takes_any_typed_text(admin, term):
    make_customer(surname="Lovelace")
    response = admin.get(f"/admin/customer/?{urlencode({'search': term})}")
    assert response.status_code == 200


@pytest.mark.parametrize("term", ["%", "_", "\\", "'", LONG])
def test_the_invoice_address_search_takes_any_typed_text(admin, populated, term):
    url = f"/admin/invoice-settings/{populated.id}/addresses/search?{urlencode({'q': term})}"
    assert admin.get(url).status_code == 200


def test_the_reminders_due_list_takes_any_page_period_or_customer(admin):
    queries = [{"page": value} for value in ("-5", HUGE, "abc", "0")] + [
        {"period": "abc"},
        {"period": "'"},
        {"customer_id": HUGE},
        {"customer_id": "-1"},
    ]
    urls = [f"/admin/reminders-due/?{urlencode(query)}" for query in queries]
    assert failures(admin, urls) == []


def test_no_record_page_or_form_fails_on_a_malformed_id(app, admin):
    urls = [
        f"{view.url}/{page}/?{urlencode({'id': value})}"
        for view in list_views(app)
        for page in ("details", "edit")
        for value in ("abc", "-1", "0", HUGE, "'", "", "1.5", "²")
    ]
    assert failures(admin, urls) == []


@pytest.mark.parametrize("field", ["surname", "email", "phones-0-number"])
def test_a_nul_byte_in_a_form_field_is_refused_beside_the_field(admin, field):
    customers = db.session.scalar(select(func.count()).select_from(Customer))
    data = customer_form(**{field: "a\x00b"})
    response = admin.post(new_customer(), data={**data, **admin.csrf()})
    assert response.status_code == 400
    assert NUL_REFUSED in field_error(response.get_data(as_text=True), field)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == customers


def test_a_nul_byte_in_a_panel_form_is_refused_beside_the_field(app, anonymous, users):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    data = {"email": "admin\x00@example.com", "password": "x", **anonymous.csrf("/login")}
    response = anonymous.post("/login", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<div class="invalid-feedback">{escape(NUL_REFUSED)}</div>' in html


LOOKUP_IDS = ["abc", "99999999999", "-1", "1.5", "1e400", "²", "0x1"]


@pytest.mark.parametrize("page", ["contact", "workaddress"])
@pytest.mark.parametrize("value", LOOKUP_IDS)
def test_an_add_link_for_no_customer_goes_back_to_the_list(app, admin, page, value):
    """?customer=abc on an add-contact link (it was a 500 on PostgreSQL): no form, a word."""
    response = admin.get(f"/admin/{page}/new/?{urlencode({'customer': value})}")
    if response.status_code == 302:
        assert urlsplit(response.location).path == "/admin/customer/"
        said = admin.get(response.location).get_data(as_text=True)
        assert "from its" in said and "record" in said
    else:
        assert response.status_code == 404
    assert "<form" not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", LOOKUP_IDS)
def test_a_contact_posted_for_no_customer_is_refused(app, admin, value):
    make_customer()
    before = db.session.scalar(select(func.count()).select_from(Contact))
    response = admin.post(
        f"/admin/contact/new/?{urlencode({'customer': value})}",
        data={"customer": value, "surname": "Forged", **admin.csrf()},
    )
    assert response.status_code in (302, 404)
    assert db.session.scalar(select(func.count()).select_from(Contact)) == before
