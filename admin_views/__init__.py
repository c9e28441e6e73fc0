"""The panel: one Admin per app, every model view registered here by menu category."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from admin_views.core import (
    custom_fields,  # noqa: F401
    menu,  # noqa: F401
    people,  # noqa: F401
    settings,  # noqa: F401
)
from admin_views.core.account import AccountView
from admin_views.core.security_headers import csp_nonce
from admin_views.customers import record_tabs  # noqa: F401
from admin_views.customers import views as customers  # noqa: F401
from admin_views.customers.presence import PresenceView
from admin_views.customers.search_page import SearchView
from admin_views.data.export_page import AdminLink
from admin_views.files import views as files
from admin_views.files.outbox import OutboxView
from admin_views.money import views as money  # noqa: F401
from admin_views.money.cards import CustomerCardsView, StoredCardView
from admin_views.money.documents import DocumentsView
from admin_views.money.invoice_settings import InvoiceSettingsView
from admin_views.money.payment_pages import PaymentPagesView
from admin_views.money.statement_page import StatementPageView
from admin_views.reports.audit_log import AuditLogView
from admin_views.reports.dashboard import DashboardView
from admin_views.service import views as service  # noqa: F401
from admin_views.service.pages import CustomerServiceView, RemindersDueView
from admin_views.works import views as works  # noqa: F401
from extensions import db
from models import (
    AdvertisingSource,
    Asset,
    AssetGroup,
    Attachment,
    AuditEntry,
    Branch,
    BuildingType,
    Communication,
    Contact,
    Contract,
    CreditNote,
    Customer,
    CustomerServicePlan,
    CustomerType,
    FuelType,
    Invoice,
    InvoiceAddress,
    Location,
    Make,
    Model,
    OutboxMessage,
    Payment,
    PaymentMethod,
    PhoneNumber,
    PortalAccess,
    PriceBook,
    Product,
    ResultCode,
    ServicePlan,
    ServiceReminder,
    Sla,
    StoredCard,
    User,
    Work,
    WorkAddress,
)
from models.core import formats


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Customer Record",
        index_view=DashboardView(name="Dashboard", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/customer_record_base.html", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    # Flask-Admin's own templates, also as "flask_admin/admin/…": a template of ours that
    # shadows one of them imports the stock one and replaces only the macro it changes.
    stock = PackageLoader("flask_admin", f"templates/{admin.theme.folder}")
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader({"flask_admin": stock})])
    views = [
        ("Customers", "Customers", customers.CustomerView, Customer),
        ("Customers", "Contacts", customers.ContactView, Contact),
        ("Customers", "Branches", customers.BranchView, Branch),
        ("Customers", "Work addresses", customers.WorkAddressView, WorkAddress),
        ("Customers", "Phone numbers", customers.PhoneNumberView, PhoneNumber),
        ("Customers", "Assets", works.AssetView, Asset),
        ("Customers", "Communications", files.CommunicationView, Communication),
        ("Customers", "Files and pictures", files.AttachmentView, Attachment),
        ("Works", "Estimates, jobs and opportunities", works.WorkView, Work),
        ("Works", "Service reminders", service.ServiceReminderView, ServiceReminder),
        ("Works", "Contracts", service.ContractView, Contract),
        ("Works", "Customer service plans", service.CustomerServicePlanView, CustomerServicePlan),
        ("Money", "Invoices", money.InvoiceView, Invoice),
        ("Money", "Credit notes", money.CreditNoteView, CreditNote),
        ("Money", "Payments", money.PaymentView, Payment),
        ("Money", "Invoice addresses", money.InvoiceAddressView, InvoiceAddress),
        ("Settings", "Customer types", settings.CustomerTypeView, CustomerType),
        ("Settings", "Advertising sources", settings.LookupView, AdvertisingSource),
        ("Settings", "Building types", settings.LookupView, BuildingType),
        ("Settings", "Price books", settings.PriceBookView, PriceBook),
        ("Settings", "Asset groups", settings.LookupView, AssetGroup),
        ("Settings", "Fuel types", settings.LookupView, FuelType),
        ("Settings", "Makes", settings.LookupView, Make),
        ("Settings", "Models", settings.ModelLookupView, Model),
        ("Settings", "Locations", settings.LookupView, Location),
        ("Settings", "Products", settings.ProductView, Product),
        ("Settings", "Result codes", settings.ResultCodeView, ResultCode),
        ("Settings", "Payment methods", settings.LookupView, PaymentMethod),
        ("Settings", "SLAs", settings.SlaView, Sla),
        ("Settings", "Service plans", settings.ServicePlanView, ServicePlan),
        ("Admin", "Users", people.UserView, User),
        ("Admin", "Audit log", AuditLogView, AuditEntry),
        ("Admin", "Portal links", people.PortalAccessView, PortalAccess),
    ]
    # The house's words for amounts, days and stored choices: "£1,250.00", "19 Oct 2026",
    # "In progress" (models/core/formats.py, enums.py).
    for name in ("money", "day", "day_time", "time_of_day"):
        app.add_template_filter(getattr(formats, name), name)
    app.add_template_filter(formats.label, "label")
    app.add_template_global(formats.house_format)
    # Seed 001's second menu item, after the dashboard; the navbar's box searches from every page.
    admin.add_view(SearchView(name="Search", endpoint="search", url="/admin/search"))
    for entry in menu.in_menu_order(menu.weighed(views) + menu.MODEL_VIEWS):
        view = entry.view_class(
            entry.model, db, name=entry.name, category=entry.category, endpoint=entry.endpoint
        )
        admin.add_view(view)
    admin.add_view(StoredCardView(StoredCard, db, name="Stored cards", category="Money"))
    admin.add_view(PaymentPagesView())
    admin.add_view(CustomerCardsView())
    admin.add_view(RemindersDueView())
    admin.add_view(CustomerServiceView())
    admin.add_view(OutboxView(OutboxMessage, db, name="Outbox", category="Admin"))
    admin.add_view(DocumentsView())
    admin.add_view(StatementPageView())
    admin.add_view(InvoiceSettingsView())
    admin.add_view(PresenceView(endpoint="presence", url="/admin/presence"))
    admin.add_view(AccountView(name="My account", endpoint="account", url="/admin/account"))
    admin.add_link(
        AdminLink(
            "Export all customers (ZIP)", endpoint="customer.export_everything", category="Admin"
        )
    )
    return admin
