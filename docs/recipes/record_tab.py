"""Recipe: a tab on the customer record. The customer's contracts, a page at a time."""

from sqlalchemy import select

from admin_views.customers.record import ListTab, register_tab
from models import Contract, Role


@register_tab(page="customer", weight=650)  # after Assets (600), before Files (700)
class ContractsTab(ListTab):
    key = "contracts"  # its anchor: /admin/customer/details/?id=7#contracts
    title = "Contracts"
    allowed = Role.office  # read-only users see no tab, and fetching it is refused
    columns = (
        ("reference", "Reference"),
        ("start_date", "Starts"),
        ("end_date", "Ends"),
        ("status", "Status"),
    )

    def query(self, customer):
        """Its count joins the other tabs' in one statement; its rows come a page at a time."""
        return select(Contract).where(Contract.customer_id == customer.id).order_by(Contract.id)
