"""Constrained values. Member names equal their stored values."""

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    office = "office"
    read_only = "read_only"

    @property
    def rank(self) -> int:
        """read_only < office < admin: each role may do what the ones below it may."""
        return (Role.read_only, Role.office, Role.admin).index(self)


class Status(StrEnum):
    """Active or dormant: dormant customers and properties get no automated communication."""

    active = "active"
    dormant = "dormant"


class Title(StrEnum):
    Mr = "Mr"
    Mrs = "Mrs"
    Ms = "Ms"
    Miss = "Miss"
    Mx = "Mx"
    Dr = "Dr"
    Prof = "Prof"


class PhoneKind(StrEnum):
    home = "home"
    mobile = "mobile"
    work = "work"
    office = "office"
    fax = "fax"


class VacantProperty(StrEnum):
    unknown = "unknown"
    yes = "yes"
    no = "no"


class WorkKind(StrEnum):
    estimate = "estimate"
    job = "job"
    opportunity = "opportunity"


class WorkStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    completed = "completed"
    aborted = "aborted"
    free_of_charge = "free_of_charge"
    cancelled = "cancelled"


ONGOING_WORK = (WorkStatus.open, WorkStatus.in_progress)


class InvoiceKind(StrEnum):
    interim = "interim"
    final = "final"
    free_of_charge = "free_of_charge"


class InvoiceStatus(StrEnum):
    draft = "draft"
    issued = "issued"
    void = "void"


class LineCategory(StrEnum):
    labour = "labour"
    parts = "parts"


class BreakdownStyle(StrEnum):
    none = "none"
    by_category = "by_category"
    full = "full"
    full_by_category = "full_by_category"


class CommunicationKind(StrEnum):
    note = "note"
    email = "email"
    call = "call"
    sms = "sms"
    comment = "comment"


class ReminderStatus(StrEnum):
    due = "due"
    booked = "booked"
    postponed = "postponed"
    cancelled = "cancelled"


class ReminderDecision(StrEnum):
    """What the customer said when a service reminder was processed (seed 004 batch processing)."""

    authorised = "authorised"  # a job was booked
    cancelled_once = "cancelled_once"  # moved to the next period
    cancelled_forever = "cancelled_forever"
    postponed = "postponed"
    unknown = "unknown"  # no reason given; still due


class AccessMethod(StrEnum):
    """How the engineer gets into the property for a job."""

    occupier = "occupier"
    key_safe = "key_safe"
    keys_held = "keys_held"
    agent = "agent"
    landlord = "landlord"


class CardBrand(StrEnum):
    visa = "visa"
    mastercard = "mastercard"
    amex = "amex"
    maestro = "maestro"
    other = "other"


class OutboxStatus(StrEnum):
    queued = "queued"  # no SMTP server configured: kept for someone to send or forward
    sent = "sent"
    failed = "failed"


class ContractStatus(StrEnum):
    draft = "draft"
    active = "active"
    expired = "expired"
    cancelled = "cancelled"


class CustomFieldTarget(StrEnum):
    """The record a custom field belongs to."""

    customer = "customer"
    work_address = "work_address"
    work = "work"


class CustomFieldType(StrEnum):
    """What a custom field holds, and so how its value is checked and stored."""

    text = "text"
    long_text = "long_text"
    number = "number"
    money = "money"
    date = "date"
    choice = "choice"
    several_choices = "several_choices"
    yes_no = "yes_no"
