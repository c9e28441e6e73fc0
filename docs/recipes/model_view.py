"""Recipe: a model view. A list of the dormant customers, under the Customers menu."""

from admin_views.core.base import SecureModelView
from admin_views.core.menu import register_model_view
from models import Customer, Role, Status


@register_model_view(
    Customer,
    category="Customers",
    name="Dormant customers",
    weight=15,  # after Customers (10), before Contacts (20)
    endpoint="dormant_customers",  # /admin/dormant_customers/
)
class DormantCustomersView(SecureModelView):
    role = Role.office  # read-only users get neither the menu entry nor the page
    rows_where = Customer.status == Status.dormant  # the list, its count and its pages
    allow_create = allow_edit = allow_delete = False
    column_list = ("account_number", "display_name", "postcode", "created_at")
    column_labels = {"account_number": "PID", "display_name": "Name", "created_at": "Added"}
    column_details_list = (*column_list, "email", "town")
    column_sortable_list = ("id", "postcode", "created_at")
    column_searchable_list = ()  # every list names what it searches and filters: nothing
    column_filters = ("postcode",)  # is derived (admin_views/core/surface.py checks at start-up)
