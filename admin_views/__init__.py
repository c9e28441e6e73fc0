"""The panel: one Admin per app, every model view registered here by menu category."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

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
    User,
    Work,
    WorkAddress,
)

from . import customers, money, people, service, settings, works
from .dashboard import DashboardView


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Customer Record",
        index_view=DashboardView(name="Dashboard", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/customer_record_base.html", fluid=True),
    )
    views = [
        ("Customers", customers.CustomerView, Customer),
        ("Customers", customers.ContactView, Contact),
        ("Customers", customers.BranchView, Branch),
        ("Customers", customers.WorkAddressView, WorkAddress),
        ("Customers", customers.PhoneNumberView, PhoneNumber),
        ("Customers", works.AssetView, Asset),
        ("Customers", service.CommunicationView, Communication),
        ("Customers", service.AttachmentView, Attachment),
        ("Works", works.WorkView, Work),
        ("Works", service.ServiceReminderView, ServiceReminder),
        ("Works", service.ContractView, Contract),
        ("Works", service.CustomerServicePlanView, CustomerServicePlan),
        ("Money", money.InvoiceView, Invoice),
        ("Money", money.CreditNoteView, CreditNote),
        ("Money", money.PaymentView, Payment),
        ("Money", money.InvoiceAddressView, InvoiceAddress),
        ("Settings", settings.CustomerTypeView, CustomerType),
        ("Settings", settings.LookupView, AdvertisingSource),
        ("Settings", settings.LookupView, BuildingType),
        ("Settings", settings.PriceBookView, PriceBook),
        ("Settings", settings.LookupView, AssetGroup),
        ("Settings", settings.LookupView, FuelType),
        ("Settings", settings.LookupView, Make),
        ("Settings", settings.ModelLookupView, Model),
        ("Settings", settings.LookupView, Location),
        ("Settings", settings.ProductView, Product),
        ("Settings", settings.ResultCodeView, ResultCode),
        ("Settings", settings.LookupView, PaymentMethod),
        ("Settings", settings.SlaView, Sla),
        ("Settings", settings.ServicePlanView, ServicePlan),
        ("Admin", people.UserView, User),
        ("Admin", people.AuditLogView, AuditEntry),
        ("Admin", people.PortalAccessView, PortalAccess),
    ]
    for category, view_class, model in views:
        admin.add_view(view_class(model, db, category=category))
    return admin
