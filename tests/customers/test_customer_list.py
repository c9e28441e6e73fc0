"""The customer list's row icons (admin/customer/list.html writes them out itself): view and
edit open that customer, delete deletes it, and each comes back to the list as it was."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from extensions import db
from models import Customer
from tests.factories import make_customer

SEARCHED_LIST = "/admin/customer/?search=Lovelace"


class RowIcons(HTMLParser):
    """The list's icon links by title and its row delete forms, as a browser would read them."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.forms: list[tuple[str, dict[str, str]]] = []  # (action, hidden fields)
        self.in_form = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("class") == "icon":
            self.links.append((attributes["title"], attributes["href"]))
        elif tag == "form" and attributes.get("class") == "icon":
            self.forms.append((attributes["action"], {}))
            self.in_form = True
        elif tag == "input" and self.in_form and attributes.get("type") == "hidden":
            self.forms[-1][1][attributes["name"]] = attributes["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False

    def link(self, title: str, customer_id: int) -> str:
        return next(
            href
            for found, href in self.links
            if found == title and parse_qs(urlsplit(href).query)["id"] == [str(customer_id)]
        )

    def delete_form(self, customer_id: int) -> tuple[str, dict[str, str]]:
        return next(form for form in self.forms if form[1]["id"] == str(customer_id))


def icons(client) -> RowIcons:
    return RowIcons(client.get(SEARCHED_LIST).get_data(as_text=True))


def back_to(href: str) -> str:
    return parse_qs(urlsplit(href).query)["url"][0]


def test_view_and_edit_icons_open_that_customer_and_lead_back_to_the_same_list(client_as):
    ada = make_customer()
    make_customer(first_name="Byron")
    client = client_as("office")
    page = icons(client)
    for title, opened in (("View Record", "Mrs Ada Lovelace"), ("Edit Record", 'value="Ada"')):
        href = page.link(title, ada.id)
        assert opened in client.get(href).get_data(as_text=True), title
        assert back_to(href).startswith(SEARCHED_LIST), title


def test_the_delete_icon_deletes_that_customer_and_returns_to_the_same_list(client_as):
    ada_id = make_customer().id
    byron_id = make_customer(first_name="Byron").id
    client = client_as("admin")  # deleting customers is for admins
    action, fields = icons(client).delete_form(ada_id)
    response = client.post(action, data=fields)
    assert response.status_code == 302
    assert response.headers["Location"] == fields["url"]
    assert fields["url"].startswith(SEARCHED_LIST)
    assert db.session.get(Customer, ada_id) is None
    assert db.session.get(Customer, byron_id) is not None


def test_each_page_of_the_list_shows_its_customers_in_the_order_chosen(client_as):
    """The list sorts and skips ids only, then loads the page's rows: those rows come in the
    order sorted, whichever order, with merged customers left out."""
    # named out of the order they were added: 00, 07, 14, 21, 28, 05, …
    customers = [make_customer(surname=f"Name {number * 7 % 30:02d}") for number in range(30)]
    customers[0].merged_into_id = customers[1].id
    db.session.commit()
    client = client_as("office")

    def shown(query: str) -> list[str]:
        html = client.get(f"/admin/customer/?{query}").get_data(as_text=True)
        return re.findall(r'class="col-id">\s*(C\d{6})', html)

    newest_first = [customer.account_number for customer in reversed(customers[1:])]
    assert shown("page=0") == newest_first[:25]
    assert shown("page=1") == newest_first[25:]
    by_name = [c.account_number for c in sorted(customers[1:], key=lambda c: c.surname)]
    assert shown("sort=1&page=0") + shown("sort=1&page=1") == by_name
