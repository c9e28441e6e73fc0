"""Every list, create and details page renders for an admin (a page that errors is found here)."""


def model_endpoints(app):
    return sorted(
        {
            rule.endpoint.split(".")[0]
            for rule in app.url_map.iter_rules()
            if rule.endpoint.endswith(".index_view") and rule.endpoint != "admin.index"
        }
    )


def test_every_list_and_create_page_renders(app, client_as, populated):
    client = client_as("admin")
    for endpoint in model_endpoints(app):
        listing = client.get(f"/admin/{endpoint}/")
        assert listing.status_code == 200, endpoint
        create = client.get(f"/admin/{endpoint}/new/")
        assert create.status_code in (200, 302), endpoint
