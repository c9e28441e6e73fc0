"""No N+1: a list page costs the same number of SQL statements for 4 rows as for 25."""

from admin_views.base import SecureModelView
from extensions import db
from seed.demo import seed_demo_data
from tests.sql import counting_statements


def statements_per_list_page(app, client) -> dict[str, int]:
    counts = {}
    for view in app.extensions["admin"][0]._views:
        if isinstance(view, SecureModelView):
            with counting_statements() as statements:
                assert client.get(f"/admin/{view.endpoint}/").status_code == 200
            counts[view.endpoint] = len(statements)
    return counts


def test_list_pages_cost_the_same_whatever_the_data_size(app, client_as):
    client = client_as("admin")
    seed_demo_data(db.session, customers=2, random_seed=1)
    db.session.commit()
    small = statements_per_list_page(app, client)
    seed_demo_data(db.session, customers=40, random_seed=2)
    db.session.commit()
    large = statements_per_list_page(app, client)
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert grown == {}
