"""The domain: SQLAlchemy models and the operations on them, by area (core, customers, works,
money, service, files, portal, data, reports). Nothing here imports Flask.

This module names the mapped classes, the enums and the base domain errors, so `from models
import Customer` works wherever the class lives; operations are imported from their own modules.
"""

from .core.audit import AuditEntry, act_as, record
from .core.base import Base, sparse_foreign_key_indexes
from .core.custom_fields import CustomField
from .core.enums import (
    AccessMethod,
    BreakdownStyle,
    CardBrand,
    CommunicationKind,
    ContractStatus,
    CustomFieldTarget,
    CustomFieldType,
    InvoiceKind,
    InvoiceStatus,
    LineCategory,
    OutboxStatus,
    PhoneKind,
    ReminderDecision,
    ReminderStatus,
    Role,
    Status,
    Title,
    VacantProperty,
    WorkKind,
    WorkStatus,
)
from .core.errors import ConcurrentEditError, DomainError, ValidationFailed
from .core.lookups import (
    AdvertisingSource,
    AssetGroup,
    BuildingType,
    CustomerType,
    FuelType,
    Location,
    Make,
    Model,
    PaymentMethod,
    PriceBook,
    Product,
    ResultCode,
    ServicePlan,
    Sla,
)
from .core.staff_sessions import StaffSession
from .core.two_factor import RecoveryCode
from .core.users import User
from .customers.entities import Branch, Contact, Customer, PhoneNumber, WorkAddress
from .customers.presence import RecordPresence
from .files.entities import Attachment, Communication, OutboxAttachment, OutboxMessage

# Imported for their flush hooks: document numbers, and the guard on issued invoices.
from .money import invoicing, numbering, stored_totals  # noqa: F401
from .money.entities import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceAddress,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    StoredCard,
)
from .money.numbering import NumberSequence, next_number
from .portal.entities import PortalAccess
from .service.entities import Contract, CustomerServicePlan, ServiceReminder
from .works.entities import Asset, InventoryItem, Work

sparse_foreign_key_indexes(Base.metadata)  # every model is defined by now

__all__ = [
    "AccessMethod",
    "CardBrand",
    "OutboxAttachment",
    "OutboxMessage",
    "OutboxStatus",
    "ReminderDecision",
    "StoredCard",
    "AdvertisingSource",
    "Asset",
    "AssetGroup",
    "Attachment",
    "AuditEntry",
    "Base",
    "Branch",
    "BreakdownStyle",
    "BuildingType",
    "Communication",
    "CommunicationKind",
    "ConcurrentEditError",
    "Contact",
    "Contract",
    "ContractStatus",
    "CreditNote",
    "CreditNoteLine",
    "Customer",
    "CustomField",
    "CustomFieldTarget",
    "CustomFieldType",
    "CustomerServicePlan",
    "CustomerType",
    "DomainError",
    "FuelType",
    "InventoryItem",
    "Invoice",
    "InvoiceAddress",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "LineCategory",
    "Location",
    "Make",
    "Model",
    "NumberSequence",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "PhoneKind",
    "PhoneNumber",
    "PortalAccess",
    "PriceBook",
    "Product",
    "RecoveryCode",
    "ReminderStatus",
    "ResultCode",
    "Role",
    "ServicePlan",
    "ServiceReminder",
    "Sla",
    "StaffSession",
    "RecordPresence",
    "Status",
    "Title",
    "User",
    "VacantProperty",
    "ValidationFailed",
    "Work",
    "WorkAddress",
    "WorkKind",
    "WorkStatus",
    "act_as",
    "record",
    "next_number",
]
