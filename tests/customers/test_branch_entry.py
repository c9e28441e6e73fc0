"""A customer's branches, added and edited in the Branches tab's modal (or as a page): name,
address, email and phones, each refusal by its field and nothing saved."""

from sqlalchemy import func, select

from extensions import db
from models import Branch
from tests.core.test_validation import field_error
from tests.factories import make_customer

MODAL = {"X-Entry-Modal": "1"}


def branches() -> int:
    return db.session.scalar(select(func.count()).select_from(Branch))


def branch_form(**overrides) -> dict[str, str]:
    return {
        "name": "Leeds office",
        "address_line_1": "4 Wellington St",
        "town": "Leeds",
        "postcode": "LS1 4DL",
        "email": "leeds@engines.example",
        "phones-0-kind": "office",
        "phones-0-number": "0113 496 0000",
        "phones-1-kind": "fax",
        "phones-1-number": "0113 496 0001",
        **overrides,
    }


def test_the_modal_gets_our_form_not_the_stock_one(office):
    customer = make_customer(type_name="Company", company_name="Difference Engines Ltd")
    url = f"/admin/branch/new/?customer={customer.id}"
    fragment = office.get(url, headers=MODAL).get_data(as_text=True)
    assert fragment.lstrip().startswith("<form") and "<html" not in fragment
    assert f"Add a branch of {customer.display_name}" in fragment
    for text in ("Branch name", "Address line 2", "Phone numbers", "Add branch"):
        assert text in fragment
    # The stock form's words: a customer chooser, "Address Line 2", "Save and Add Another".
    for stock in ('name="customer"', "Address Line 2", "Add Phone number", "Save and Add"):
        assert stock not in fragment


def test_a_branch_is_added_with_two_numbers_and_goes_back_to_the_tab(office):
    customer = make_customer()
    response = office.post_form(
        f"/admin/branch/new/?customer={customer.id}", branch_form(), headers=MODAL
    )
    assert response.get_json() == {
        "redirect": f"/admin/customer/details/?id={customer.id}#branches"
    }
    branch = db.session.scalar(select(Branch))
    assert (branch.customer_id, branch.name, branch.postcode) == (
        customer.id,
        "Leeds office",
        "LS1 4DL",
    )
    assert [(p.kind, p.number) for p in branch.phones] == [
        ("office", "0113 496 0000"),
        ("fax", "0113 496 0001"),
    ]
    tab = office.get(f"/admin/customer/{customer.id}/tabs/branches/").get_data(as_text=True)
    assert "Leeds office" in tab and "4 Wellington St" in tab


def test_each_refusal_is_beside_its_field_the_rest_is_kept_and_nothing_saved(office):
    customer = make_customer()
    response = office.post_form(
        f"/admin/branch/new/?customer={customer.id}",
        branch_form(name="", address_line_1=" ", email="leeds@@example", **{
            "phones-0-number": "not a number"
        }),
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Name the branch." in field_error(html, "name")
    assert "Address line 1 is required." in field_error(html, "address_line_1")
    assert "Not a valid email address" in field_error(html, "email")
    assert field_error(html, "phones-0-number")
    assert 'value="LS1 4DL"' in html  # what was typed stays
    assert branches() == 0


def test_editing_a_branch_changes_it_and_returns_to_the_record(office):
    customer = make_customer()
    office.post_form(f"/admin/branch/new/?customer={customer.id}", branch_form())
    branch = db.session.scalar(select(Branch))
    edit = office.get(f"/admin/branch/edit/?id={branch.id}").get_data(as_text=True)
    assert 'value="Leeds office"' in edit and 'value="0113 496 0001"' in edit
    saved = office.post_form(
        f"/admin/branch/edit/?id={branch.id}",
        branch_form(name="Leeds (north)", **{"phones-1-number": ""}),
    )
    assert saved.status_code == 302
    assert saved.location.endswith(f"/admin/customer/details/?id={customer.id}#branches")
    db.session.refresh(branch)
    assert branch.name == "Leeds (north)" and [p.number for p in branch.phones] == ["0113 496 0000"]


def test_a_read_only_user_cannot_add_a_branch(client_as):
    customer = make_customer()
    reader = client_as("read_only")
    url = f"/admin/branch/new/?customer={customer.id}"
    assert reader.get(url).status_code == 403
    assert reader.post_form(url, branch_form()).status_code == 403
    assert branches() == 0
